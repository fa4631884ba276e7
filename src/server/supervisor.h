/* supervisor.h - the master process: keeps `workers` workers running,
 * replaces them (after a crash with exponential back-off, after
 * max_requests at once), kills those stuck past request_timeout, reloads
 * the configuration on HUP and reopens logs on USR1 by replacing workers one
 * by one, and stops gracefully on TERM, QUIT or INT. */
#ifndef CKAFKA_SUPERVISOR_H
#define CKAFKA_SUPERVISOR_H

#include <stddef.h>

struct config;
struct grouplock;
struct replay;
struct scoreboard;

/* Runs until stopped. *cfg may be replaced by a reload (the old one is
 * freed); the caller frees the last one. Returns the process exit status:
 * 0 after a stop, EX_CONFIG when workers cannot start with the
 * configuration. */
int supervisor_run(struct config **cfg, int listen_fd, struct replay *replay,
                   struct grouplock *locks, struct scoreboard *sb);

/* Loads and checks a configuration the way start-up does (file, librdkafka
 * properties, users). Returns it, or NULL with err. */
struct config *supervisor_load_config(const char *path, char *err,
                                      size_t errlen);

#endif
