/* t.c: the unit-test harness (see t.h). */
#include "t.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int t_failures_in_test;
static int passed, failed;

void t_expect(const char *file, int line, const char *expr, bool ok)
{
    if (ok)
        return;
    t_failures_in_test++;
    printf("#   %s:%d: expected %s\n", file, line, expr);
}

void t_expect_streq(const char *file, int line, const char *expr, const char *want, const char *got)
{
    if (want && got && strcmp(want, got) == 0)
        return;
    if (!want && !got)
        return;
    t_failures_in_test++;
    printf("#   %s:%d: %s\n#     want: %s\n#     got:  %s\n", file, line, expr, want ? want : "(null)",
           got ? got : "(null)");
}

void t_expect_inteq(const char *file, int line, const char *expr, long long want, long long got)
{
    if (want == got)
        return;
    t_failures_in_test++;
    printf("#   %s:%d: %s\n#     want: %lld\n#     got:  %lld\n", file, line, expr, want, got);
}

void t_run(const char *name, void (*fn)(void))
{
    t_failures_in_test = 0;
    fn();
    if (t_failures_in_test) {
        failed++;
        printf("not ok - %s\n", name);
    } else {
        passed++;
        printf("ok - %s\n", name);
    }
    fflush(stdout);
}

int t_done(void)
{
    return failed ? 1 : 0;
}

const char *t_testdata(void)
{
    const char *d = getenv("VP_TESTDATA");

    return d ? d : "../shared/testdata";
}
