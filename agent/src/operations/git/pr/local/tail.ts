/** The tail buffer is shared by every bounded run; it lives with the run runner. */
export { TailBuffer } from "../../../runs/tail.ts";
