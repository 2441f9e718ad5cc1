/* test_base.c: bounded buffers, kv lists and error prefixing. */
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/kv.h"
#include "t.h"

static void buf_grows_and_stays_terminated(void)
{
    struct vp_buf b = VP_BUF_INIT(0);

    EXPECT_STREQ("", b.data);
    for (int i = 0; i < 1000; i++)
        vp_buf_puts(&b, "abc");
    EXPECT_INTEQ(3000, b.len);
    EXPECT_INTEQ('\0', b.data[b.len]);
    vp_buf_release(&b);
    EXPECT_STREQ("", b.data);
}

static void buf_ceiling_refuses_and_keeps_contents(void)
{
    struct vp_buf b = VP_BUF_INIT(8);
    struct vp_err err = { 0 };

    EXPECT_INTEQ(0, vp_buf_add(&b, "12345678", 8, &err));
    EXPECT_INTEQ(-1, vp_buf_add(&b, "9", 1, &err));
    EXPECT_INTEQ(VP_E_LIMIT, err.code);
    EXPECT_STREQ("12345678", b.data);
    EXPECT_INTEQ(-1, vp_buf_addf(&b, &err, "%d", 1));
    EXPECT_STREQ("12345678", b.data);
    vp_buf_release(&b);
}

static void buf_detach_hands_over(void)
{
    struct vp_buf b = VP_BUF_INIT(0);
    size_t len;
    char *s;

    vp_buf_printf(&b, "%s-%d", "x", 42);
    s = vp_buf_detach(&b, &len);
    EXPECT_STREQ("x-42", s);
    EXPECT_INTEQ(4, len);
    EXPECT_INTEQ(0, b.len);
    free(s);
}

static void kv_keeps_order_and_duplicates(void)
{
    struct vp_kvlist l = VP_KVLIST_INIT;

    vp_kv_add(&l, "A", "1");
    vp_kv_add(&l, "b", "2");
    vp_kv_add(&l, "a", "3");
    EXPECT_STREQ("1", vp_kv_get(&l, "a"));
    EXPECT_INTEQ(3, l.n);
    vp_kv_set(&l, "A", "4");
    EXPECT_INTEQ(2, l.n);
    EXPECT_STREQ("4", vp_kv_get(&l, "a"));
    EXPECT_STREQ("b", l.items[0].name);
    vp_kv_release(&l);
}

static void err_prefix_puts_context_in_front(void)
{
    struct vp_err err;
    char big[600];

    vp_fail(&err, VP_E_AWS_SERVICE, "%s", "ThrottlingException");
    vp_err_prefix(&err, "creating table '%s'", "videos");
    EXPECT_STREQ("creating table 'videos': ThrottlingException", err.msg);
    memset(big, 'x', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    vp_err_prefix(&err, "%s", big);
    /* an overlong context is cut, so the original message survives at the end */
    EXPECT(strlen(err.msg) < sizeof(err.msg));
    EXPECT(strstr(err.msg, "xxx: creating table 'videos': ThrottlingException") != NULL);
    EXPECT_STREQ("aws_service", vp_errcode_name(err.code));
}

int main(void)
{
    T_RUN(buf_grows_and_stays_terminated);
    T_RUN(buf_ceiling_refuses_and_keeps_contents);
    T_RUN(buf_detach_hands_over);
    T_RUN(kv_keeps_order_and_duplicates);
    T_RUN(err_prefix_puts_context_in_front);
    return t_done();
}
