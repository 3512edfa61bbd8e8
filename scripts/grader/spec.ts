// What is graded: each topic's exercises and their cases (visible from lib/src/checks, hidden from
// tests/hidden), read in the trusted parent. Points come from here, never from the sandbox.
import { parseSolutions, topics as allTopics } from "../course/exercises";
import { topicTests } from "../../tests/exercises/registry";
import { ExerciseSpec } from "./types";

export interface TopicSpec {
  topic: string;
  /** The solution file's import lines: every exercise module starts with them. */
  imports: string[];
  exercises: ExerciseSpec[];
}

export function topicSpecs(topics: string[] = allTopics()): TopicSpec[] {
  const known = allTopics();
  return topics.map((topic) => {
    if (!known.includes(topic)) throw new Error(`unknown topic "${topic}": solutions/ defines ${known.join(", ")}`);
    const tests = topicTests[topic];
    if (!tests) throw new Error(`topic ${topic} has no tests registered in tests/exercises/registry.ts`);
    const source = parseSolutions(topic);
    const exercises = source.exercises.map((exercise): ExerciseSpec => {
      const registered = tests.exercises.find((e) => e.id === exercise.id);
      if (!registered) throw new Error(`exercise ${exercise.id} has no cases in tests/exercises/registry.ts`);
      const visible = registered.cases.map((c) => ({ name: c.name, kind: c.kind, points: c.points, visibility: "visible" as const }));
      const hidden = (tests.hidden[exercise.id] ?? []).map((c) => ({ name: c.name, kind: c.kind, points: c.points, visibility: "hidden" as const }));
      return { id: exercise.id, topic, functionName: exercise.functionName, title: registered.title, cases: [...visible, ...hidden] };
    });
    return { topic, imports: source.imports, exercises };
  });
}

/** The topics whose exercise ids appear in any of these notebook texts (cheap scan; no parsing). */
export function topicsMentioned(texts: string[], candidates: string[] = allTopics()): string[] {
  return candidates.filter((topic) => texts.some((text) => text.includes(`"exercise": "${topic}.`) || text.includes(`exercise:${topic}.`)));
}
