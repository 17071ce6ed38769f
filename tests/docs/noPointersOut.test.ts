import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import { join, posix, resolve } from "node:path";

// The repository explains itself. No tracked file, README and docs/ included, sends its reader to
// a tracker issue by number or to a file the repository does not hold: it says the reason where it
// stands, or points into the repository's own pages (docs/architecture.md#rotation-invariants), and
// such a page and heading must exist. References outside the project that stay valid for anyone
// (pulumi/pulumi#9979, an RFC, a Microsoft Learn URL) are not pointers out and are left alone.

const root = resolve(__dirname, "..", "..");

/** One line that points out, and why, as `file:line: why` followed by the line. */
type Finding = string;

/** Tracked files (git ls-files); outside a git checkout, the tree less node_modules, dist and dot-folders. */
function trackedFiles(): string[] {
    try {
        return execFileSync("git", ["ls-files", "-z"], { cwd: root, encoding: "utf8" }).split("\0").filter(Boolean);
    } catch {
        const walk = (dir: string): string[] =>
            readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
                const path = dir === "" ? entry.name : `${dir}/${entry.name}`;
                if (entry.isDirectory()) {
                    return entry.name.startsWith(".") || entry.name === "node_modules" || entry.name === "dist" ? [] : walk(path);
                }
                return [path];
            });
        return walk("");
    }
}

const files = trackedFiles();
const texts = new Map<string, string>();
for (const file of files) {
    let text: string;
    try {
        text = readFileSync(join(root, file), "utf8");
    } catch {
        continue; // Tracked but deleted in this working tree.
    }
    if (!text.includes("\0")) {
        texts.set(file, text);
    }
}

// This file names the pointers it looks for only in parts (SHARED, and the examples below), so that
// it does not hold one itself.
const SHARED = ["..", "shared"].join("/");

/**
 * A tracker issue cited by number, in any case, alone or with an item, one number or several, with
 * or without "#". Not a quantity with a unit (the bench column "issue 8-conc").
 */
const ISSUE_NUMBER = /\bissues?\s+#?\d+(?![\w-])/i;

/** A path into the folder beside the repository where the project's notes are kept (SHARED). */
const BESIDE_THE_REPOSITORY = /(?:^|[^\w./-])(?:\.\.\/)+shared\//;

/**
 * A Markdown file named in text, with its anchor: `docs/security.md#algorithms`, `README.md`,
 * `components/graph/README.md`. Not one inside a URL or another project's path: the name must start
 * the token.
 */
const MARKDOWN_CITATION = /(?<![\w./:@-])((?:\.{1,2}\/)*(?:[\w.-]+\/)*[\w.-]+\.md)(?:#([\w-]+))?(?![\w/-])/g;

/**
 * A source or configuration file named by its path from the repository's root
 * (`cli/plan/register.js`, `tests/support/mocks.ts`): a comment or page that names one sends its
 * reader there, so it must exist. Only paths under a folder the repository has are judged.
 */
const FILE_PATH = /(?<![\w./:@-])(?:\.\/)?((?:[\w.-]+\/)+[\w.-]+\.(?:ts|js|mjs|json|ya?ml))(?![\w/-])/g;

/** The first path segments this repository has: a cited path starting elsewhere belongs to another project. */
const REPOSITORY_ROOTS = new Set([...files.filter((f) => f.includes("/")).map((f) => f.slice(0, f.indexOf("/"))), "docs"]);

/** The anchors GitHub gives a Markdown file's headings (and any explicit `<a id>`/`<a name>`). */
function anchorsOf(markdown: string): Set<string> {
    const anchors = new Set<string>();
    const seen = new Map<string, number>();
    let fenced = false;
    for (const line of markdown.split("\n")) {
        if (/^\s*(```|~~~)/.test(line)) {
            fenced = !fenced;
            continue;
        }
        for (const match of line.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) {
            anchors.add(match[1]);
        }
        const heading = fenced ? null : /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
        if (heading) {
            const base = githubSlug(heading[1]);
            const count = seen.get(base) ?? 0;
            seen.set(base, count + 1);
            anchors.add(count === 0 ? base : `${base}-${count}`);
        }
    }
    return anchors;
}

/** GitHub's heading anchor: the text as rendered, lower case, punctuation dropped, each space a hyphen. */
function githubSlug(heading: string): string {
    return heading
        .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
        .replace(/<[^>]+>/g, "")
        .trim()
        .toLowerCase()
        .replace(/[^\p{L}\p{M}\p{N}\s_-]/gu, "")
        .replace(/\s/g, "-");
}

/**
 * The file a cited path names: from the citing file's folder, then from the root, never out of the
 * repository; a bare file name (`security.md`, as a link's text or a path built from parts) may be
 * any file of that name the repository holds.
 */
function resolveCitation(citing: string, cited: string, pages: ReadonlyMap<string, string>): string | undefined {
    const candidates = [posix.normalize(posix.join(posix.dirname(citing), cited)), posix.normalize(cited)].filter((path) => !path.startsWith("../") && path !== "..");
    const found = candidates.find((path) => pages.has(path));
    if (found !== undefined || cited.includes("/")) {
        return found;
    }
    return [...pages.keys()].find((path) => posix.basename(path) === cited);
}

/** Whether a cited path is this repository's to hold: a bare file name, a relative path, or one under a folder the repository has. */
function isRepositoryPath(cited: string): boolean {
    return !cited.includes("/") || cited.startsWith("./") || cited.startsWith("../") || REPOSITORY_ROOTS.has(cited.slice(0, cited.indexOf("/")));
}

/** What is wrong with one line of `file`, given the repository's files and their text: each pointer out it holds. */
function pointersOut(file: string, line: string, pages: ReadonlyMap<string, string>): string[] {
    const problems: string[] = [];
    const issue = ISSUE_NUMBER.exec(line);
    if (issue) {
        problems.push(`cites a tracker issue by number ("${issue[0]}"): say the reason here, or point into docs/`);
    }
    if (BESIDE_THE_REPOSITORY.test(line)) {
        problems.push(`points into ${SHARED}/, a folder beside the repository that its readers do not have`);
    }
    for (const match of line.matchAll(MARKDOWN_CITATION)) {
        const [, cited, anchor] = match;
        if (!isRepositoryPath(cited)) {
            continue;
        }
        const target = resolveCitation(file, cited, pages);
        if (target === undefined) {
            problems.push(`names ${cited}, which the repository does not hold`);
        } else if (anchor !== undefined && !anchorsOf(pages.get(target)!).has(anchor)) {
            problems.push(`points to ${target}#${anchor}, a heading ${target} does not have`);
        }
    }
    for (const match of line.matchAll(FILE_PATH)) {
        const cited = match[1];
        if (REPOSITORY_ROOTS.has(cited.slice(0, cited.indexOf("/"))) && !pages.has(posix.normalize(cited))) {
            problems.push(`names ${cited}, which the repository does not hold`);
        }
    }
    return problems;
}

/** Every pointer out in the tracked files, those about files and headings apart from the others. */
function scan(): { citations: Finding[]; files: Finding[] } {
    // Every tracked file is held, a binary one with no text (and so no headings).
    const pages = new Map(files.map((file) => [file, texts.get(file) ?? ""]));
    const findings = { citations: [] as Finding[], files: [] as Finding[] };
    for (const [file, text] of texts) {
        text.split("\n").forEach((line, index) => {
            for (const problem of pointersOut(file, line, pages)) {
                const kind = problem.startsWith("names ") || problem.startsWith("points to ") ? findings.files : findings.citations;
                kind.push(`${file}:${index + 1}: ${problem}\n    ${line.trim()}`);
            }
        });
    }
    return findings;
}

describe("no pointers out of the repository", () => {
    it("reads every tracked file", () => {
        assert.ok(texts.size > 100, `only ${texts.size} files were read`);
        for (const expected of ["README.md", "package.json", "index.ts", "tests/docs/noPointersOut.test.ts"]) {
            assert.ok(texts.has(expected), `${expected} was not read`);
        }
    });

    const findings = scan();

    it("cites no tracker issue by number and no folder beside the repository", () => {
        assert.equal(findings.citations.length, 0, `${findings.citations.length} pointers out:\n${findings.citations.join("\n")}`);
    });

    it("names only files the repository holds, and only headings its pages have", () => {
        assert.equal(findings.files.length, 0, `${findings.files.length} pointers to nothing:\n${findings.files.join("\n")}`);
    });

    describe("the check itself", () => {
        // The examples are assembled from parts so that this file does not cite them itself.
        const pages: Record<string, string> = {
            "README.md": "# Vendor connections\n## Quick start\n",
            "docs/architecture.md": "# Architecture\n## Rotation invariants\n## Certificates on Node's crypto\n```\n## not a heading\n```\n",
            "components/graph/README.md": "# Graph\n",
            [["cli", "plan", "register.js"].join("/")]: "",
        };
        const source = (...segments: string[]) => segments.join("/");
        const problems = (line: string, file = source("components", "x.ts")) => pointersOut(file, line, new Map(Object.entries(pages)));
        const issue = (n: string) => ["issue", n].join(" ");
        const md = (name: string) => [name, "md"].join(".");

        it("finds issue numbers, in any case and with items", () => {
            for (const line of [`(${issue("7")})`, `// ${issue("3")}, item 2: the loader`, `Issue${" "}6, item 5`, `${issue("#12")} says`, `issues${" "}2 and 3`]) {
                assert.equal(problems(line).length, 1, line);
            }
        });

        it("finds files the repository does not hold, and headings its pages lack", () => {
            assert.match(problems(`Entra accepts RSA only (${md("DESIGN")}, invariant 7).`).join(), /names DESIGN\.md/);
            assert.match(problems(`see ${md("STYLE")}`).join(), /names STYLE\.md/);
            assert.match(problems(`read ${md(`${SHARED}/DESIGN`)}`).join(), /folder beside the repository/);
            assert.match(problems(`(${md("docs/security")}#algorithms)`).join(), /names docs\/security\.md/);
            assert.match(problems(`(${md("docs/architecture")}#rotation-model)`).join(), /heading docs\/architecture\.md does not have/);
            assert.match(problems(`(${md("docs/architecture")}#not-a-heading)`).join(), /heading/);
            // A source file moved away, still named by the comments that sent readers to it.
            assert.match(problems(`// the loader (${source("components", "plan", "register.js")})`).join(), /names components\/plan\/register\.js/);
            assert.match(problems(`see ./${source("tests", "support", "gone.ts")}`).join(), /names tests\/support\/gone\.ts/);
        });

        it("lets through what the repository holds, and references outside the project", () => {
            for (const line of [
                `(${md("docs/architecture")}#rotation-invariants, 7: honest preview)`,
                `(${md("docs/architecture")}#certificates-on-nodes-crypto)`,
                `${md("README")}#quick-start`,
                `the graph client (${md("components/graph/README")})`,
                "registered (pulumi/pulumi#9979); a PKCS#12 file",
                `https://github.com/microsoftgraph/docs/blob/main/${md("concepts/permissions")}`,
                `source file ${md("concepts/includes/permissions-ids")} in another repository`,
                `"issue 8-conc", "speedup issue"`,
                "issues.add(path, message)",
                `see [${md("architecture")}](${md("docs/architecture")}#rotation-invariants)`,
                `readFileSync(resolve(root, "docs", "${md("architecture")}"))`,
                `the loader (${source("cli", "plan", "register.js")})`,
                `require("@pulumi/pulumi/${source("runtime", "closure", "codePaths.js")}")`,
                `node_modules/${source("typescript", "lib", "typescript.js")}`,
            ]) {
                assert.deepEqual(problems(line), [], line);
            }
            assert.deepEqual(problems(`see ${md("README")}`, "components/graph/client.ts"), [], "a README beside the file or at the root");
        });

        it("slugs headings as GitHub does", () => {
            assert.equal(githubSlug("Certificates on Node's crypto"), "certificates-on-nodes-crypto");
            assert.equal(githubSlug("Delete before replace: key credentials"), "delete-before-replace-key-credentials");
            assert.equal(githubSlug("`pulumi up` on a schedule"), "pulumi-up-on-a-schedule");
            assert.equal(githubSlug(`The [redeploy](${md("x")}) simulator`), "the-redeploy-simulator");
        });
    });
});
