// Training runs on tfjs-core and tfjs-backend-cpu, optional dependencies: the commands that train import
// them (and the modules over them) on use, through importTraining, so an install without them names them.
import { importOptional } from '../optional-package.js';

/** tfjs's packages training imports; their versions must match, so the install line names both. */
export const TRAINING_PACKAGES = ['@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-cpu'] as const;

/** `load()` (a dynamic import of training's modules), rejecting with one E_TOOLCHAIN line when a tfjs package is not installed. */
export function importTraining<T>(load: () => Promise<T>): Promise<T> {
  return importOptional(load, TRAINING_PACKAGES, 'training', true);
}
