/* audit.h - the reset audit log: one JSON line per executed reset, with
 * every partition's old and new offset, written and flushed (fdatasync when
 * audit_fsync is on) before the response leaves, so any reset can be undone
 * from it. Lines from all workers interleave whole (O_APPEND, one write). */
#ifndef CKAFKA_AUDIT_H
#define CKAFKA_AUDIT_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>

struct config;

/* Opens the configured audit log (no-op when none is configured). Returns
 * 0, or -1 with err. Reopened by log rotation (USR1) on the next write. */
int audit_open(const struct config *cfg, char *err, size_t errlen);

/* True when resets can be audited: no audit log is configured, or it is
 * open. */
bool audit_ready(void);

/* Appends line (a JSON object; not consumed) with a newline. Returns 0, or
 * -1 with err (the caller reports it; the reset has happened). */
int audit_write(json_object *line, char *err, size_t errlen);

void audit_reopen(void);
void audit_close(void);

#endif
