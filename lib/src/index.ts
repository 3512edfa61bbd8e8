// The course library, layered: data → math → models → training → display, with the backend underneath and the exercise
// checks beside. Notebook cells import everything from "@course/lib".
export * from "./backend";
export * from "./data";
export * from "./math";
export * from "./models";
export * from "./training";
export * from "./display";
export * from "./display/convolution";
export { table, Table, type TableRow } from "./display/table";
export * from "./checks";
export * from "./kernel-signal";
