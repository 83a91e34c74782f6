/* log.h - diagnostics of the running daemon: to stderr in the foreground,
 * to syslog (facility daemon, ident "newsfs") once it runs in the
 * background, where stderr goes nowhere. */
#ifndef NFS_LOG_H
#define NFS_LOG_H

/* Switch logging to syslog (called when the daemon detaches). */
void nfs_log_to_syslog(void);

/* Log one line (no trailing newline needed). */
void nfs_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
