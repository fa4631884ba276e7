/* worker.h - a worker process: privileges dropped, Kafka clients created
 * lazily after fork, the FastCGI accept loop, recycling after max_requests,
 * graceful exit on TERM/QUIT/INT. */
#ifndef CKAFKA_WORKER_H
#define CKAFKA_WORKER_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct config;
struct grouplock;
struct replay;
struct scoreboard;

/* Exit status of a worker that recycled itself after max_requests. */
#define WORKER_EXIT_RECYCLED 2

struct worker_env {
    const struct config *cfg; /* the configuration of its generation */
    int listen_fd;
    struct replay *replay;
    struct grouplock *locks;
    struct scoreboard *sb;
    int slot;
    pid_t master; /* the process that forked it */
};

/* True when name is one of the API front ends (the `apis` key). */
bool worker_api_known(const char *name);

/* The front ends' names, "a, b" (static). */
const char *worker_api_names(void);

/* Runs the worker in the current (freshly forked) process; never returns.
 * Exit status: 0 after a stop, WORKER_EXIT_RECYCLED after max_requests,
 * EX_OSERR when it cannot take its user, 1 on an accept failure. */
void worker_main(const struct worker_env *env) __attribute__((noreturn));

#endif
