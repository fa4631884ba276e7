/* scoreboard.h - state shared by the master and all workers (php-fpm's
 * scoreboard): one slot per worker process (its state and current request),
 * counters and latency histograms per action, Kafka errors per instance,
 * restarts with their reasons. MAP_SHARED memory created before fork;
 * counters are updated with atomics, slots by their single owner. */
#ifndef CKAFKA_SCOREBOARD_H
#define CKAFKA_SCOREBOARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define SB_SLOTS 2100  /* 1024 workers, twice during a reload, and spares */
#define SB_BUCKETS 112 /* latency histogram: 4 buckets per power of two */
#define SB_INSTANCES 64
#define SB_RECENT 16

enum sb_state {
    SB_FREE = 0,
    SB_STARTING, /* forked, not yet accepting */
    SB_IDLE,     /* waiting in accept */
    SB_BUSY,     /* serving a request */
    SB_EXITING,  /* told to stop (finishing its request) */
};

/* Why a worker was replaced (or what ended it). */
enum sb_reason {
    SB_REASON_CRASH,           /* killed by a signal we did not send */
    SB_REASON_EXIT,            /* exited with a non-zero status */
    SB_REASON_REQUEST_TIMEOUT, /* killed by request_timeout */
    SB_REASON_MAX_REQUESTS,    /* recycled after max_requests */
    SB_REASON_RELOAD,          /* replaced by HUP or USR1 */
    SB_REASON__COUNT
};

struct sb_slot {
    pid_t pid;
    uint32_t generation;
    int state;            /* enum sb_state (atomic) */
    int64_t started_ms;   /* util_mono_ms() at fork */
    int64_t req_start_ms; /* util_mono_ms() of the current request */
    uint64_t requests;    /* requests served by this process */
    int64_t rss_kb;       /* resident set, updated after each request */
    char action[32];      /* the current (or last) request */
    char instance[64];
    char group[128];
};

struct sb_action {
    uint64_t count;
    uint64_t errors; /* replies with a non-zero code */
    uint64_t sum_us;
    uint64_t max_us;
    uint64_t min_us1; /* the smallest latency + 1; 0 before the first */
    uint64_t buckets[SB_BUCKETS];
};

struct sb_instance {
    char id[64]; /* "" : unused */
    uint64_t requests;
    uint64_t kafka_errors; /* 5100 replies */
};

struct sb_restart {
    int64_t wall_ms;
    pid_t pid;
    int reason; /* enum sb_reason */
    int status; /* exit status or signal number */
};

#define SB_ACTIONS 25 /* see scoreboard_action_names */

struct scoreboard {
    int64_t started_wall_ms;
    uint64_t accepted;
    uint64_t restarts[SB_REASON__COUNT];
    struct sb_restart recent[SB_RECENT];
    uint32_t recent_next;
    struct sb_action actions[SB_ACTIONS];
    struct sb_instance instances[SB_INSTANCES];
    struct sb_slot slots[SB_SLOTS];
};

/* The names counted per action, index for index; the last is "other". */
extern const char *const scoreboard_action_names[SB_ACTIONS];

/* Maps the shared scoreboard. Returns NULL with err. */
struct scoreboard *scoreboard_create(char *err, size_t errlen);
void scoreboard_destroy(struct scoreboard *sb);

/* The index of an action name in scoreboard_action_names (unknown and NULL
 * go to "other"). */
int scoreboard_action_index(const char *action);

/* Notes what the slot's worker is serving, for the request_timeout log and
 * the status page; NULL leaves a field as it is, "" clears it. Called by
 * the worker that owns the slot only. */
void scoreboard_note(struct sb_slot *slot, const char *action,
                     const char *instance, const char *group);

/* Records a finished request. */
void scoreboard_record(struct scoreboard *sb, int action, int64_t us,
                       bool error, const char *instance, bool kafka_error);

/* Records a worker replacement. */
void scoreboard_restart(struct scoreboard *sb, pid_t pid, enum sb_reason reason,
                        int status);

/* The q-quantile (0..1) of an action's latency in microseconds: the upper
 * bound of the histogram bucket it falls in, clamped into the observed
 * [min, max] (a bucket's bound may lie above every value in it). 0 when
 * there is no sample. */
int64_t scoreboard_quantile_us(const struct sb_action *a, double q);

/* The histogram bucket of a duration (exposed for unit tests). */
int scoreboard_bucket(int64_t us);

const char *scoreboard_reason_name(enum sb_reason r);
const char *scoreboard_state_name(enum sb_state s);

#endif
