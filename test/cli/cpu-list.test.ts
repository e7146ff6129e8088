// One --cpu list for plan, compile and profile (src/cost/cpus.ts): every core of it plans and compiles to
// C with its own flags and figures, profiles where a device model exists, and generic is refused by
// profile with the cores it can take; help texts list the same cores.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO_MODELS } from '../../examples/models/index.js';
import { writeTflite } from '../../src/import/tflite/index.js';
import { CPUS } from '../../src/cost/cpus.js';
import { CORES } from '../../src/cost/devices.js';
import { cli } from '../helpers/cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'tinyforge-cpus-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const model = join(tmp, 'kws.tflite');
writeFileSync(model, writeTflite(DEMO_MODELS.find((m) => m.name === 'ds-cnn-kws')!.build()));

describe('--cpu', () => {
  it('the list is the profiler\'s cores plus generic', () => {
    expect([...CPUS].sort()).toEqual([...CORES, 'generic'].sort());
  });

  for (const cpu of CPUS) {
    it(`${cpu}: plan and compile --target c take it (its flags in the README, its stack and flash figures); profile takes it or says which cores it can take`, async () => {
      const plan = JSON.parse((await cli('plan', model, '--cpu', cpu, '--json')).stdout);
      expect(plan).toMatchObject({ cpu, flash: { cpu } });
      const out = join(tmp, cpu);
      const compiled = await cli('compile', model, '--target', 'c', '--cpu', cpu, '--out', out, '--json');
      expect(compiled.code, compiled.stderr).toBe(0);
      expect(JSON.parse(compiled.stdout)).toMatchObject({ cpu, flashBytes: plan.flashBytes });
      const readme = readFileSync(join(out, 'README.md'), 'utf8');
      expect(readme).toContain(`${plan.stackBytes} bytes of stack`);
      if (cpu !== 'generic') expect(readme).toContain(`-mcpu=${cpu}`);
      const profile = await cli('profile', model, '--cpu', cpu, '--json');
      if (cpu === 'generic') {
        expect(profile.code).toBe(2);
        expect(JSON.parse(profile.stdout).error.message).toBe(`profile --cpu generic: no device model (generic is portable C without the DSP paths, for any core); profile one of ${CORES.join(', ')}`);
        const text = await cli('profile', model, '--cpu', cpu);
        expect(text.stderr).toContain('tinyforge: E_USAGE: profile --cpu generic: no device model');
      } else {
        expect(profile.code, profile.stderr).toBe(0);
        expect(JSON.parse(profile.stdout).device.id).toBe(cpu);
      }
    }, 60_000);
  }

  it('help texts of plan, compile and profile list the same cores; an unknown core is refused by each', async () => {
    for (const command of ['plan', 'compile', 'profile']) {
      const help = (await cli(command, '--help')).stdout.replace(/\s+/g, ' ');
      expect(help, command).toContain(CPUS.join('|'));
      const bad = await cli(command, model, '--cpu', 'cortex-m99', ...(command === 'compile' ? ['--target', 'c', '--out', join(tmp, 'bad')] : []));
      expect(bad.code, command).toBe(2);
      expect(bad.stderr, command).toMatch(/cortex-m99/);
    }
  }, 60_000);
});
