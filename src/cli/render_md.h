/* render_md.h: plans and drift as Markdown, for a pull-request comment or a GitHub Actions step summary
 * (`--format markdown`; specs/json-output.md shows the layout): a title with the stack and the counts, a
 * table of the resources that change, then each resource's attribute diffs folded in a <details> block.
 * Values are masked exactly as in the terminal ((sensitive)), long ones shortened, and anything that comes
 * from a value (|, backticks, <, newlines) is kept inside code spans and fenced blocks so it can neither
 * break the table nor inject HTML. */
#ifndef VP_CLI_RENDER_MD_H
#define VP_CLI_RENDER_MD_H

#include "engine/engine.h"

/* The plan as Markdown; stack names the stack in the title (NULL: none). Caller frees. */
char *vp_plan_to_markdown(const struct vp_plan *plan, const char *stack);
/* The drift report as Markdown; stack as above. Caller frees. */
char *vp_drift_to_markdown(const struct vp_drift *drift, const char *stack);
/* Appends md to the file GITHUB_STEP_SUMMARY names, when it names one, as GitHub Actions expects (append,
 * never truncate). A failure is a warning on stderr, never an error: returns nothing. */
void vp_step_summary_append(const char *md);

#endif
