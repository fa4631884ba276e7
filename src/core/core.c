/* core.c - the context every core operation starts from, core errors, and
 * the process-level hooks the server calls. No API knowledge here. */
#include "core/core.h"

#include "common/config.h"
#include "common/pool.h"
#include "common/util.h"
#include "kafka/kafka.h"

#include <stdarg.h>

int core_fail(struct core_ctx *c, struct core_error *e, enum core_status st,
              const char *fmt, ...)
{
    va_list ap;
    e->status = st;
    va_start(ap, fmt);
    e->detail = pool_vprintf(c->pool, fmt, ap);
    va_end(ap);
    return -1;
}

int core_begin(struct core_ctx *c, struct core_error *e)
{
    char err[512];
    c->kafka = kafka_client(c->cfg, c->inst, err, sizeof(err));
    if (!c->kafka || kafka_reachable(c->kafka, err, sizeof(err)) < 0)
        return core_fail(c, e, CORE_KAFKA, "%s", err);
    c->deadline = util_mono_ms() + c->cfg->kafka_timeout_ms;
    return 0;
}

int core_check_instance(const struct config_instance *inst, char *err,
                        size_t errlen)
{
    return kafka_check_instance(inst, err, errlen);
}

void core_idle(void)
{
    kafka_poll_all();
}

void core_exit(void)
{
    kafka_close_all();
}

void core_trace_reset(void)
{
    kafka_trace_reset();
}

void core_trace_format(char *buf, size_t len)
{
    kafka_trace_format(buf, len);
}
