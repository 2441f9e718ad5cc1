/* t.h: the unit-test harness. Each tests/unit/test_<module>.c is one program whose main() calls
 * T_RUN(test) for each test; every test prints one line, "ok - name" or "not ok - name", and a failed
 * check prints what it wanted and what it got. tests/run.sh counts the lines. */
#ifndef VP_TESTS_T_H
#define VP_TESTS_T_H

#include <stdbool.h>
#include <stddef.h>

extern int t_failures_in_test;

void t_expect(const char *file, int line, const char *expr, bool ok);
void t_expect_streq(const char *file, int line, const char *expr, const char *want, const char *got);
void t_expect_inteq(const char *file, int line, const char *expr, long long want, long long got);
void t_run(const char *name, void (*fn)(void));
int t_done(void);                 /* main's return value */
/* The shared testdata folder: $VP_TESTDATA, else ../shared/testdata. */
const char *t_testdata(void);

#define EXPECT(cond) t_expect(__FILE__, __LINE__, #cond, (cond))
#define EXPECT_STREQ(want, got) t_expect_streq(__FILE__, __LINE__, #got, (want), (got))
#define EXPECT_INTEQ(want, got) t_expect_inteq(__FILE__, __LINE__, #got, (long long)(want), (long long)(got))
#define T_RUN(fn) t_run(#fn, fn)

#endif
