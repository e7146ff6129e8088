// The training-time augmentations by name: a module without tfjs, so the CLI can list them at start-up.
export const AUGMENTATIONS = ['flip', 'shift'] as const;
export type Augmentation = (typeof AUGMENTATIONS)[number];
