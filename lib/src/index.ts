// The course library, layered: data → math → display, with the backend underneath and the exercise
// checks beside. Notebook cells import everything from "@course/lib".
export * from "./backend";
export * from "./data";
export * from "./math";
export * from "./display";
export { table, Table, type TableRow } from "./display/table";
export * from "./checks";
