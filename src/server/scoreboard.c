/* scoreboard.c - the shared counters and slots. Writers use relaxed atomic
 * adds (a lost wakeup is impossible, a torn read of a counter is not), the
 * instance table is claimed with compare-and-swap. Readers (the status page,
 * the master) see a snapshot that may be a request behind; that is fine for
 * monitoring and for timeouts measured in seconds. */
#include "server/scoreboard.h"

#include "common/util.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

const char *const scoreboard_action_names[] = {
    /* CKafka API 2.0 */
    "GetGroupOffsets",
    "SetGroupOffset",
    "SetGroupOffsets",
    "GetGroupInfo",
    "ListGroup",
    "ListConsumerGroup",
    "ListTopic",
    "GetTopicAttributes",
    "GetInstanceAttributes",
    "ListInstance",
    /* Aliyun alikafka */
    "UpdateConsumerOffset",
    "GetConsumerProgress",
    "GetConsumerList",
    /* Huawei DMS (as its SDKs name the operations) */
    "ResetMessageOffset",
    "ResetMessageOffsetWithEngine",
    "ShowGroups",
    "ShowGroup",
    "ListInstanceConsumerGroup",
    "ListInstanceConsumerGroups",
    "ListInstanceConsumerGroupMessageOffset",
    "ListInstanceConsumerGroupTopics",
    "ListInstanceConsumerGroupMembers",
    /* the server's own */
    "status",
    "ping",
    "other",
};
_Static_assert(sizeof(scoreboard_action_names) /
                       sizeof(scoreboard_action_names[0]) ==
                   SB_ACTIONS,
               "SB_ACTIONS counts scoreboard_action_names");

struct scoreboard *scoreboard_create(char *err, size_t errlen)
{
    void *m = mmap(NULL, sizeof(struct scoreboard), PROT_READ | PROT_WRITE,
                   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) {
        snprintf(err, errlen, "scoreboard: mmap: %s", strerror(errno));
        return NULL;
    }
    struct scoreboard *sb = m;
    sb->started_wall_ms = util_wall_ms();
    return sb;
}

void scoreboard_destroy(struct scoreboard *sb)
{
    if (sb)
        munmap(sb, sizeof(*sb));
}

int scoreboard_action_index(const char *action)
{
    if (action && *action)
        for (int i = 0; i < SB_ACTIONS - 1; i++)
            if (strcmp(scoreboard_action_names[i], action) == 0)
                return i;
    return SB_ACTIONS - 1;
}

int scoreboard_bucket(int64_t us)
{
    if (us < 1)
        return 0;
    /* 4 buckets per doubling: bucket b holds [2^(b/4), 2^((b+1)/4)) us. */
    int b = (int)(4.0 * log2((double)us));
    return b < 0 ? 0 : b >= SB_BUCKETS ? SB_BUCKETS - 1 : b;
}

static void note(char *dst, size_t cap, const char *src)
{
    /* Readers may see a mix of old and new bytes, never a missing NUL. */
    size_t n = strnlen(src, cap - 1);
    memcpy(dst, src, n);
    dst[n] = '\0';
}

void scoreboard_note(struct sb_slot *slot, const char *action,
                     const char *instance, const char *group)
{
    if (!slot)
        return;
    if (action)
        note(slot->action, sizeof(slot->action), action);
    if (instance)
        note(slot->instance, sizeof(slot->instance), instance);
    if (group)
        note(slot->group, sizeof(slot->group), group);
}

static void add(uint64_t *p, uint64_t v)
{
    __atomic_add_fetch(p, v, __ATOMIC_RELAXED);
}

static struct sb_instance *instance(struct scoreboard *sb, const char *id)
{
    for (int i = 0; i < SB_INSTANCES; i++) {
        struct sb_instance *in = &sb->instances[i];
        if (in->id[0] == '\0') {
            /* Claim the empty entry: its first byte goes from 0 to 1, then
             * the name is written. Two writers of the same new name may end
             * up with two entries; the status page adds them. */
            char expect = '\0';
            if (!__atomic_compare_exchange_n(&in->id[0], &expect, '\1', false,
                                             __ATOMIC_ACQ_REL,
                                             __ATOMIC_ACQUIRE))
                continue;
            snprintf(in->id + 1, sizeof(in->id) - 1, "%s", id + 1);
            __atomic_store_n(&in->id[0], id[0], __ATOMIC_RELEASE);
            return in;
        }
        if (in->id[0] != '\1' && strcmp(in->id, id) == 0)
            return in;
    }
    return NULL;
}

void scoreboard_record(struct scoreboard *sb, int action, int64_t us,
                       bool error, const char *inst, bool kafka_error)
{
    struct sb_action *a = &sb->actions[action];
    uint64_t u = us > 0 ? (uint64_t)us : 0;
    add(&sb->accepted, 1);
    add(&a->count, 1);
    add(&a->sum_us, u);
    if (error)
        add(&a->errors, 1);
    add(&a->buckets[scoreboard_bucket(us)], 1);
    uint64_t m = __atomic_load_n(&a->max_us, __ATOMIC_RELAXED);
    while (u > m &&
           !__atomic_compare_exchange_n(&a->max_us, &m, u, true,
                                        __ATOMIC_RELAXED, __ATOMIC_RELAXED))
        ;
    m = __atomic_load_n(&a->min_us1, __ATOMIC_RELAXED);
    while ((m == 0 || u + 1 < m) &&
           !__atomic_compare_exchange_n(&a->min_us1, &m, u + 1, true,
                                        __ATOMIC_RELAXED, __ATOMIC_RELAXED))
        ;
    if (inst && *inst) {
        struct sb_instance *in = instance(sb, inst);
        if (in) {
            add(&in->requests, 1);
            if (kafka_error)
                add(&in->kafka_errors, 1);
        }
    }
}

void scoreboard_restart(struct scoreboard *sb, pid_t pid, enum sb_reason reason,
                        int status)
{
    /* Only the master calls this: no concurrent writer. */
    add(&sb->restarts[reason], 1);
    struct sb_restart *r = &sb->recent[sb->recent_next % SB_RECENT];
    r->wall_ms = util_wall_ms();
    r->pid = pid;
    r->reason = (int)reason;
    r->status = status;
    __atomic_add_fetch(&sb->recent_next, 1, __ATOMIC_RELEASE);
}

int64_t scoreboard_quantile_us(const struct sb_action *a, double q)
{
    uint64_t total = 0, seen = 0;
    for (int i = 0; i < SB_BUCKETS; i++)
        total += a->buckets[i];
    if (!total)
        return 0;
    uint64_t rank = (uint64_t)ceil(q * (double)total);
    if (rank < 1)
        rank = 1;
    int64_t lo = a->min_us1 ? (int64_t)a->min_us1 - 1 : 0;
    int64_t hi = (int64_t)a->max_us, v = hi;
    for (int i = 0; i < SB_BUCKETS; i++) {
        seen += a->buckets[i];
        if (seen >= rank) {
            v = (int64_t)ceil(exp2((double)(i + 1) / 4.0));
            break;
        }
    }
    /* Counters are read without a lock: a bucket may already count a
     * request whose max or min is not stored yet. */
    if (v > hi)
        v = hi;
    if (v < lo)
        v = lo;
    return v;
}

const char *scoreboard_reason_name(enum sb_reason r)
{
    static const char *const names[SB_REASON__COUNT] = {
        "crash", "exit", "request_timeout", "max_requests", "reload"};
    return (unsigned)r < SB_REASON__COUNT ? names[r] : "?";
}

const char *scoreboard_state_name(enum sb_state s)
{
    static const char *const names[] = {"free", "starting", "idle", "busy",
                                        "exiting"};
    return (unsigned)s < UTIL_ARRAY_LEN(names) ? names[s] : "?";
}
