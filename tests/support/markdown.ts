import * as assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";

// Reading the repository's Markdown as its tests need it: the documents are instructions people
// follow, so tests check the sections and snippets they show against the code.

const root = resolve(__dirname, "..", "..");

/** The text of section `title` (a `## ` heading) of `file` (relative to the repository), up to the next `## ` heading. */
export function markdownSection(file: string, title: string): string {
    const text = readFileSync(resolve(root, file), "utf8");
    const start = text.indexOf(`\n## ${title}\n`);
    assert.ok(start >= 0, `${file} has no "## ${title}" section`);
    const end = text.indexOf("\n## ", start + 1);
    return text.slice(start, end < 0 ? undefined : end);
}

/** The fenced code blocks of `text` in `language`, indented ones (inside a list) de-indented. */
export function codeBlocks(text: string, language: string): string[] {
    const fence = new RegExp("^( *)```" + language + "\\n([\\s\\S]*?)^\\1```", "gm");
    return [...text.matchAll(fence)].map((m) => m[2].replace(new RegExp(`^${m[1]}`, "gm"), ""));
}
