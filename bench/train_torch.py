#!/usr/bin/python3
# The PyTorch twin of bench/train.ts's nets (src/train/arch/): same layers, same He-uniform bounds and
# zero biases, Adam, batch, schedule and seed (PyTorch's RNG, not ours). Prints one JSON line.
# Usage: /usr/bin/python3 bench/train_torch.py --arch lenet|ds-cnn --epochs 5 --batch 64 --limit N --threads 2
import argparse, gzip, json, math, time
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

DIR = '/usr/share/datasets/fashion-mnist'


def idx(path):
    with gzip.open(path, 'rb') as f:
        data = f.read()
    rank = data[3]
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], 'big') for i in range(rank)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * rank).reshape(dims)


def load(split, limit):
    x = idx(f'{DIR}/{split}-images-idx3-ubyte.gz')[:limit].astype(np.float32) / 255.0
    y = idx(f'{DIR}/{split}-labels-idx1-ubyte.gz')[:limit].astype(np.int64)
    return torch.from_numpy(x).unsqueeze(1), torch.from_numpy(y)  # NCHW


def he_uniform(layer, fan_in):
    bound = math.sqrt(6.0 / fan_in)
    nn.init.uniform_(layer.weight, -bound, bound)
    nn.init.zeros_(layer.bias)
    return layer


class LeNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1 = he_uniform(nn.Conv2d(1, 32, 3, padding=1), 9)
        self.c2 = he_uniform(nn.Conv2d(32, 64, 3, padding=1), 9 * 32)
        self.d1 = he_uniform(nn.Linear(7 * 7 * 64, 128), 7 * 7 * 64)
        self.d2 = he_uniform(nn.Linear(128, 10), 128)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.c1(x)), 2)
        x = F.max_pool2d(F.relu(self.c2(x)), 2)
        return self.d2(F.relu(self.d1(torch.flatten(x, 1))))


class DsCnn(nn.Module):
    def __init__(self, width=64, blocks=4):
        super().__init__()
        # TF SAME for stride 2 on 28x28 pads (0, 1); padding=1 gives the same 14x14 output size.
        self.c0 = he_uniform(nn.Conv2d(1, width, 3, stride=2, padding=1), 9)
        self.dw = nn.ModuleList([he_uniform(nn.Conv2d(width, width, 3, padding=1, groups=width), 9) for _ in range(blocks)])
        self.pw = nn.ModuleList([he_uniform(nn.Conv2d(width, width, 1), width) for _ in range(blocks)])
        self.fc = he_uniform(nn.Linear(width, 10), width)

    def forward(self, x):
        x = F.relu(self.c0(x))
        for dw, pw in zip(self.dw, self.pw):
            x = F.relu(pw(F.relu(dw(x))))
        return self.fc(x.mean(dim=(2, 3)))


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--arch', default='lenet')
    p.add_argument('--epochs', type=int, default=5)
    p.add_argument('--batch', type=int, default=64)
    p.add_argument('--limit', type=int, default=60000)
    p.add_argument('--test-limit', type=int, default=10000)
    p.add_argument('--lr', type=float, default=1e-3)
    p.add_argument('--seed', type=int, default=1)
    p.add_argument('--threads', type=int, default=2)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    x, y = load('train', a.limit)
    tx, ty = load('t10k', a.test_limit)
    net = LeNet() if a.arch == 'lenet' else DsCnn()
    opt = torch.optim.Adam(net.parameters(), lr=a.lr)
    epochs = []
    for _ in range(a.epochs):
        perm = torch.randperm(len(y))
        start, cpu = time.perf_counter(), time.process_time()
        total = 0.0
        for i in range(0, len(y), a.batch):
            j = perm[i:i + a.batch]
            opt.zero_grad()
            loss = F.cross_entropy(net(x[j]), y[j])
            loss.backward()
            opt.step()
            total += loss.item() * len(j)
        epochs.append({'seconds': time.perf_counter() - start, 'cpuSeconds': time.process_time() - cpu, 'loss': total / len(y)})
    with torch.no_grad():
        right = sum(int((net(tx[i:i + 1000]).argmax(1) == ty[i:i + 1000]).sum()) for i in range(0, len(ty), 1000))
    seconds = sum(e['seconds'] for e in epochs)
    cpu_seconds = sum(e['cpuSeconds'] for e in epochs)
    print(json.dumps({'arch': a.arch, 'torch': torch.__version__, 'threads': torch.get_num_threads(), 'images': len(y),
                      'epochs': epochs, 'imagesPerSecond': len(y) * a.epochs / seconds,
                      'imagesPerCpuSecond': len(y) * a.epochs / cpu_seconds, 'testAccuracy': right / len(ty)}))


if __name__ == '__main__':
    main()
