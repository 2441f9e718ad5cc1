/* bootstrap_main.c: main() of every handler's bootstrap. The Makefile compiles it once per handler with
 * VP_BOOTSTRAP_HANDLER naming that handler's table (vp_handler_presign, ...). */
#include "handlers/handler.h"

#ifndef VP_BOOTSTRAP_HANDLER
#error "VP_BOOTSTRAP_HANDLER must name a struct vp_handler (the Makefile sets it)"
#endif

extern const struct vp_handler VP_BOOTSTRAP_HANDLER;    /* test handlers are not in handler.h */

int main(void)
{
    return vp_runtime_run(&VP_BOOTSTRAP_HANDLER);
}
