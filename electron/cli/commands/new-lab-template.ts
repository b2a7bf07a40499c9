// The files `labvisor new` writes: a one-container lab with a hands-on step (check, solution,
// hints) and a closing step. Comments in lab.yaml point the author to what to change.

/** "disk-quota-101" → "Disk quota 101". */
const titleOf = (id: string): string => {
  const words = id.replace(/-/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
};

/** Relative path → content. `schemaPath` is lab.schema.json relative to the lab folder. */
export function scaffoldFiles(id: string, schemaPath: string): Record<string, string> {
  return {
    'lab.yaml': `# yaml-language-server: $schema=${schemaPath}
# The format: docs/lab-format.md. How to write a lab: docs/writing-labs.md.
# Prove it works: labvisor lint <this folder> && labvisor test <this folder>
format: 1
id: ${id}
title: ${titleOf(id)}
summary: >-
  TODO: one or two sentences for the lab list: what the learner does, and why it matters
  in production.
duration: 10
difficulty: beginner
tags: [containers]

machines:
  # A hardened container from the base image; its terminal is a shell in it.
  - name: box
    kind: container
    image: labvisor/base

steps:
  - id: leave-a-note
    title: Leave a note in the container
    markdown: steps/01-leave-a-note.md
    # Fails before the learner acts, passes after; FAIL: lines are shown to the learner.
    check:
      - machine: box
        script: |
          grep -qx hello /tmp/note.txt 2>/dev/null || { echo "FAIL: /tmp/note.txt does not say hello yet"; exit 1; }
    # What the learner was asked to do; \`labvisor test\` runs it between the two checks.
    solve:
      - machine: box
        script: echo hello > /tmp/note.txt
    hints:
      - Click Run on the command in the step; it types it into the box terminal.
      - "\`echo hello > /tmp/note.txt\` writes the note."

  - id: what-you-learned
    title: What you learned
    markdown: steps/02-what-you-learned.md
`,
    'steps/01-leave-a-note.md': `# Leave a note in the container

TODO: say in two or three sentences what this step teaches and why it matters in production.

The terminal **box** is a shell in a container started from \`labvisor/base\`. Write a note:

\`\`\`sh @box
echo hello > /tmp/note.txt
cat /tmp/note.txt
\`\`\`

Then click **Check**.
`,
    'steps/02-what-you-learned.md': `# What you learned

- TODO: one line per idea the learner can now use, in the words of the steps.
`,
  };
}
