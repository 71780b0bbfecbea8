import { controlPlaneMarks } from './control-plane.ts';
import type { Mark } from './mark.ts';
import { metallbMarks } from './metallb.ts';
import { nodeMarks } from './node.ts';
import { serviceMarks } from './service.ts';
import { tagMarks } from './tags.ts';

/** Every mark the CCM reads or writes, in the order the README lists them. */
export const allMarks: readonly Mark[] = [
  ...Object.values(nodeMarks),
  ...Object.values(serviceMarks),
  ...Object.values(controlPlaneMarks),
  ...Object.values(metallbMarks),
  ...Object.values(tagMarks),
];
