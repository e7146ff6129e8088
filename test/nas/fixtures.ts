// A search space small enough that every test builds and plans its members in milliseconds: 1,600 members.
export const TINY_SPACE = {
  name: 'tiny',
  inputChannels: 1,
  classes: 4,
  resolutions: [16, 20],
  widths: [0.35, 0.5],
  kernels: [3, 5],
  expands: [3, 6],
  stemChannels: 8,
  headChannels: 0,
  stages: [
    { channels: 16, stride: 2, depths: [1, 2] },
    { channels: 24, stride: 1, depths: [1, 2] },
  ],
};
