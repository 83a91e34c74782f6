/* log.c - where the daemon's diagnostics go (log.h). The destination is
 * process-wide state by nature: it is set once, before threads start. */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <syslog.h>

static int use_syslog;

void nfs_log_to_syslog(void)
{
    openlog("newsfs", LOG_PID, LOG_DAEMON);
    use_syslog = 1;
}

void nfs_log(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (use_syslog) {
        vsyslog(LOG_NOTICE, fmt, ap);
    } else {
        fputs("newsfs: ", stderr);
        vfprintf(stderr, fmt, ap);
        fputc('\n', stderr);
    }
    va_end(ap);
}
