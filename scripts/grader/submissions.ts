// Collects submissions from what the instructor passes: .ipynb files (one per student, named by
// the student's id), folders (one sub-folder per student, or .ipynb files named by student), or zips
// of either. Nothing here throws for a bad submission: problems are recorded on it.
import * as fs from "node:fs";
import * as path from "node:path";
import JSZip from "jszip";
import { Submission } from "./types";

/** Reasonable limit for one notebook: a 100 MB "notebook" is not a hand-in. */
const MAX_NOTEBOOK_BYTES = 50 * 1024 * 1024;

function studentIdFrom(name: string): string {
  return name.replace(/\.ipynb$/i, "").replace(/[^A-Za-z0-9._@-]+/g, "_").replace(/^\.+/, "_") || "unnamed";
}

function readNotebookFile(file: string, submission: Submission, label = path.basename(file)): void {
  const size = fs.statSync(file).size;
  if (size > MAX_NOTEBOOK_BYTES) {
    submission.problems.push(`${label}: ${(size / 1e6).toFixed(0)} MB is too large for a notebook (limit ${MAX_NOTEBOOK_BYTES / 1e6} MB); clear its outputs and hand it in again`);
    return;
  }
  submission.notebooks.push({ name: label, text: fs.readFileSync(file, "utf8") });
}

function notebooksUnder(folder: string): string[] {
  const found: string[] = [];
  for (const entry of fs.readdirSync(folder, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name.startsWith(".") || entry.name === "__MACOSX") continue; // .ipynb_checkpoints, macOS zip debris
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) found.push(...notebooksUnder(full));
    else if (entry.isFile() && entry.name.toLowerCase().endsWith(".ipynb")) found.push(full);
  }
  return found;
}

/** One folder = one student's hand-in (Gradescope's /autograder/submission, or a student's folder). */
export function submissionFromFolder(folder: string, student = studentIdFrom(path.basename(path.resolve(folder)))): Submission {
  const submission: Submission = { student, origin: folder, notebooks: [], problems: [] };
  const files = notebooksUnder(folder);
  for (const file of files) readNotebookFile(file, submission, path.relative(folder, file));
  if (files.length === 0) submission.problems.push(`no .ipynb file in ${folder}: hand in the course notebook (File → Download in JupyterLab)`);
  return submission;
}

async function submissionsFromZip(file: string): Promise<Submission[]> {
  let zip: JSZip;
  try {
    zip = await JSZip.loadAsync(fs.readFileSync(file));
  } catch (error) {
    throw new Error(`${file}: not a readable zip (${(error as Error).message})`);
  }
  const byStudent = new Map<string, Submission>();
  const entries = Object.values(zip.files).filter((e) => !e.dir && e.name.toLowerCase().endsWith(".ipynb") && !/(^|\/)(\.|__MACOSX)/.test(e.name));
  // A zip of one folder holding everything (course.zip/submissions/…) is unwrapped first.
  const firstParts = new Set(entries.map((e) => e.name.split("/")[0]));
  const wrapped = firstParts.size === 1 && entries.every((e) => e.name.split("/").length > 2);
  for (const entry of entries) {
    const parts = entry.name.split("/").slice(wrapped ? 1 : 0);
    const student = studentIdFrom(parts.length === 1 ? parts[0] : parts[0]);
    const submission = byStudent.get(student) ?? { student, origin: `${file}:${parts.length === 1 ? parts[0] : `${parts[0]}/`}`, notebooks: [], problems: [] };
    byStudent.set(student, submission);
    const data = await entry.async("uint8array");
    if (data.length > MAX_NOTEBOOK_BYTES) submission.problems.push(`${entry.name}: too large for a notebook`);
    else submission.notebooks.push({ name: parts.slice(1).join("/") || parts[0], text: Buffer.from(data).toString("utf8") });
  }
  if (byStudent.size === 0) throw new Error(`${file}: the zip holds no .ipynb file`);
  return [...byStudent.values()];
}

/** Expands the command line's paths into submissions; a path that does not exist is an error for the instructor. */
export async function collectSubmissions(paths: string[]): Promise<Submission[]> {
  const submissions: Submission[] = [];
  for (const given of paths) {
    if (!fs.existsSync(given)) throw new Error(`${given}: no such file or folder`);
    const stat = fs.statSync(given);
    if (stat.isFile() && given.toLowerCase().endsWith(".zip")) submissions.push(...(await submissionsFromZip(given)));
    else if (stat.isFile() && given.toLowerCase().endsWith(".ipynb")) {
      const submission: Submission = { student: studentIdFrom(path.basename(given)), origin: given, notebooks: [], problems: [] };
      readNotebookFile(given, submission);
      submissions.push(submission);
    } else if (stat.isDirectory()) {
      for (const entry of fs.readdirSync(given, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
        if (entry.name.startsWith(".")) continue;
        const full = path.join(given, entry.name);
        if (entry.isDirectory()) submissions.push(submissionFromFolder(full));
        else if (entry.name.toLowerCase().endsWith(".ipynb")) {
          const submission: Submission = { student: studentIdFrom(entry.name), origin: full, notebooks: [], problems: [] };
          readNotebookFile(full, submission);
          submissions.push(submission);
        } else if (entry.name.toLowerCase().endsWith(".zip")) submissions.push(...(await submissionsFromZip(full)));
      }
    } else throw new Error(`${given}: expected a .ipynb file, a folder or a .zip`);
  }
  const seen = new Map<string, number>();
  for (const submission of submissions) {
    // Two hand-ins with one id would overwrite each other's reports: number the later ones.
    const count = (seen.get(submission.student) ?? 0) + 1;
    seen.set(submission.student, count);
    if (count > 1) {
      submission.problems.push(`another submission is also named ${submission.student}; this one is reported as ${submission.student}~${count}`);
      submission.student = `${submission.student}~${count}`;
    }
  }
  return submissions;
}
