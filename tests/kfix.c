/* kfix - sets Kafka up for the integration tests with librdkafka's ordinary
 * client paths (CreateTopics, a producer, a consumer's own commit, a live
 * group member), independent of the code under test. Checks are made with
 * Kafka's own tools, not with this.
 *
 *   kfix -b BOOT create TOPIC PARTITIONS  (prints created or exists)
 *   kfix -b BOOT produce TOPIC PARTITION COUNT [FIRST_TS_MS [STEP_MS]]
 *   kfix -b BOOT fill TOPIC PARTITIONS COUNT [FIRST_TS_MS [STEP_MS]]
 *        (COUNT messages into each of partitions 0..PARTITIONS-1)
 *   kfix -b BOOT commit GROUP TOPIC:PARTITION=OFFSET[:METADATA] ...
 *   kfix -b BOOT commit-all GROUP TOPIC PARTITIONS OFFSET
 *   kfix -b BOOT consume [-s ASSIGNOR] [-i CLIENT_ID] GROUP TOPIC...
 *        (member until killed, with partition.assignment.strategy ASSIGNOR
 *        and client.id CLIENT_ID; prints "assigned N" once it has its
 *        partitions, and again whenever a rebalance changes N)
 */
#include <librdkafka/rdkafka.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *boot = "127.0.0.1:19092";
static volatile sig_atomic_t stop;

static void on_term(int sig)
{
    (void)sig;
    stop = 1;
}

static void die(const char *what, const char *why)
{
    fprintf(stderr, "kfix: %s: %s\n", what, why);
    exit(1);
}

static const char *assignor, *client_id;

static rd_kafka_t *client(rd_kafka_type_t type, const char *group)
{
    char e[512];
    rd_kafka_conf_t *c = rd_kafka_conf_new();
    if ((assignor && rd_kafka_conf_set(c, "partition.assignment.strategy",
                                       assignor, e, sizeof(e))) ||
        (client_id &&
         rd_kafka_conf_set(c, "client.id", client_id, e, sizeof(e))))
        die("conf", e);
    if (rd_kafka_conf_set(c, "bootstrap.servers", boot, e, sizeof(e)) ||
        (group && rd_kafka_conf_set(c, "group.id", group, e, sizeof(e))) ||
        (group &&
         rd_kafka_conf_set(c, "enable.auto.commit", "false", e, sizeof(e))) ||
        (group &&
         rd_kafka_conf_set(c, "auto.offset.reset", "earliest", e, sizeof(e))) ||
        rd_kafka_conf_set(c, "log_level", "3", e, sizeof(e)))
        die("conf", e);
    rd_kafka_t *rk = rd_kafka_new(type, c, e, sizeof(e));
    if (!rk)
        die("rd_kafka_new", e);
    return rk;
}

/* Waits until the topic has `parts` partitions, each with a leader. */
static void wait_ready(rd_kafka_t *rk, const char *topic, int parts)
{
    for (int i = 0; i < 300; i++) {
        const struct rd_kafka_metadata *md;
        rd_kafka_topic_t *t = rd_kafka_topic_new(rk, topic, NULL);
        if (rd_kafka_metadata(rk, 0, t, &md, 5000) == 0) {
            int ok = md->topic_cnt == 1 && !md->topics[0].err &&
                     md->topics[0].partition_cnt == parts;
            for (int p = 0; ok && p < md->topics[0].partition_cnt; p++)
                ok = md->topics[0].partitions[p].leader >= 0 &&
                     !md->topics[0].partitions[p].err;
            rd_kafka_metadata_destroy(md);
            if (ok) {
                rd_kafka_topic_destroy(t);
                return;
            }
        }
        rd_kafka_topic_destroy(t);
        usleep(100000);
    }
    die(topic, "not ready after 30 s");
}

static int create(const char *topic, int parts)
{
    char e[512];
    rd_kafka_t *rk = client(RD_KAFKA_PRODUCER, NULL);
    rd_kafka_queue_t *q = rd_kafka_queue_new(rk);
    rd_kafka_NewTopic_t *nt =
        rd_kafka_NewTopic_new(topic, parts, 1, e, sizeof(e));
    if (!nt)
        die("NewTopic", e);
    rd_kafka_CreateTopics(rk, &nt, 1, NULL, q);
    rd_kafka_event_t *ev = rd_kafka_queue_poll(q, 30000);
    if (!ev)
        die("CreateTopics", "timed out");
    size_t n;
    const rd_kafka_topic_result_t **r = rd_kafka_CreateTopics_result_topics(
        rd_kafka_event_CreateTopics_result(ev), &n);
    if (rd_kafka_event_error(ev))
        die("CreateTopics", rd_kafka_event_error_string(ev));
    if (n == 1 && rd_kafka_topic_result_error(r[0]) &&
        rd_kafka_topic_result_error(r[0]) !=
            RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS)
        die(topic, rd_kafka_topic_result_error_string(r[0]));
    printf("%s\n",
           n == 1 && rd_kafka_topic_result_error(r[0]) ? "exists" : "created");
    rd_kafka_event_destroy(ev);
    rd_kafka_NewTopic_destroy(nt);
    wait_ready(rk, topic, parts);
    rd_kafka_queue_destroy(q);
    rd_kafka_destroy(rk);
    return 0;
}

static void produce_into(rd_kafka_t *rk, const char *topic, int part,
                         long count, long long ts0, long long step)
{
    char buf[64];
    for (long i = 0; i < count; i++) {
        int n = snprintf(buf, sizeof(buf), "m%ld", i);
        rd_kafka_resp_err_t err;
        do {
            err = rd_kafka_producev(
                rk, RD_KAFKA_V_TOPIC(topic), RD_KAFKA_V_PARTITION(part),
                RD_KAFKA_V_VALUE(buf, (size_t)n),
                RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                RD_KAFKA_V_TIMESTAMP(ts0 ? ts0 + i * step : 0), RD_KAFKA_V_END);
            if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL)
                rd_kafka_poll(rk, 10);
        } while (err == RD_KAFKA_RESP_ERR__QUEUE_FULL);
        if (err)
            die("produce", rd_kafka_err2str(err));
    }
}

static int produce(const char *topic, int first, int last, long count,
                   long long ts0, long long step)
{
    rd_kafka_t *rk = client(RD_KAFKA_PRODUCER, NULL);
    for (int p = first; p <= last; p++)
        produce_into(rk, topic, p, count, ts0, step);
    if (rd_kafka_flush(rk, 120000))
        die("produce", "flush timed out");
    rd_kafka_destroy(rk);
    return 0;
}

static int commit_list(const char *group, rd_kafka_topic_partition_list_t *l)
{
    rd_kafka_t *rk = client(RD_KAFKA_CONSUMER, group);
    rd_kafka_resp_err_t err = rd_kafka_commit(rk, l, 0);
    if (err)
        die("commit", rd_kafka_err2str(err));
    for (int i = 0; i < l->cnt; i++)
        if (l->elems[i].err)
            die("commit", rd_kafka_err2str(l->elems[i].err));
    rd_kafka_topic_partition_list_destroy(l);
    rd_kafka_destroy(rk);
    return 0;
}

static int commit(const char *group, int argc, char **argv)
{
    rd_kafka_topic_partition_list_t *l =
        rd_kafka_topic_partition_list_new(argc);
    for (int i = 0; i < argc; i++) {
        char *spec = strdup(argv[i]);
        char *colon = strrchr(spec, ':'), *eq;
        char *meta = NULL;
        /* TOPIC:PART=OFF or TOPIC:PART=OFF:META */
        eq = strchr(spec, '=');
        if (!eq)
            die(argv[i], "expected TOPIC:PARTITION=OFFSET[:METADATA]");
        if (colon && colon > eq) {
            *colon = '\0';
            meta = colon + 1;
            colon = strrchr(spec, ':');
        }
        if (!colon || colon > eq)
            die(argv[i], "expected TOPIC:PARTITION=OFFSET[:METADATA]");
        *colon = '\0';
        *eq = '\0';
        rd_kafka_topic_partition_t *p =
            rd_kafka_topic_partition_list_add(l, spec, atoi(colon + 1));
        p->offset = atoll(eq + 1);
        if (meta) {
            p->metadata = strdup(meta);
            p->metadata_size = strlen(meta);
        }
        free(spec);
    }
    return commit_list(group, l);
}

static int consume(const char *group, int argc, char **argv)
{
    rd_kafka_t *rk = client(RD_KAFKA_CONSUMER, group);
    rd_kafka_poll_set_consumer(rk);
    rd_kafka_topic_partition_list_t *l =
        rd_kafka_topic_partition_list_new(argc);
    for (int i = 0; i < argc; i++)
        rd_kafka_topic_partition_list_add(l, argv[i], RD_KAFKA_PARTITION_UA);
    rd_kafka_resp_err_t err = rd_kafka_subscribe(rk, l);
    if (err)
        die("subscribe", rd_kafka_err2str(err));
    rd_kafka_topic_partition_list_destroy(l);
    signal(SIGTERM, on_term);
    signal(SIGINT, on_term);
    int said = 0;
    while (!stop) {
        rd_kafka_message_t *m = rd_kafka_consumer_poll(rk, 100);
        if (m)
            rd_kafka_message_destroy(m);
        rd_kafka_topic_partition_list_t *a = NULL;
        if (rd_kafka_assignment(rk, &a) == 0 && a->cnt > 0 && a->cnt != said) {
            printf("assigned %d\n", a->cnt);
            fflush(stdout);
            said = a->cnt;
        }
        if (a)
            rd_kafka_topic_partition_list_destroy(a);
    }
    rd_kafka_consumer_close(rk);
    rd_kafka_destroy(rk);
    return 0;
}

int main(int argc, char **argv)
{
    int i = 1;
    if (argc > 2 && strcmp(argv[1], "-b") == 0) {
        boot = argv[2];
        i = 3;
    }
    if (i >= argc)
        die("usage", "kfix -b BOOT create|produce|commit|consume ...");
    const char *cmd = argv[i++];
    if (strcmp(cmd, "create") == 0 && argc - i == 2)
        return create(argv[i], atoi(argv[i + 1]));
    if (strcmp(cmd, "produce") == 0 && argc - i >= 3)
        return produce(argv[i], atoi(argv[i + 1]), atoi(argv[i + 1]),
                       atol(argv[i + 2]), argc - i > 3 ? atoll(argv[i + 3]) : 0,
                       argc - i > 4 ? atoll(argv[i + 4]) : 1);
    if (strcmp(cmd, "fill") == 0 && argc - i >= 3)
        return produce(argv[i], 0, atoi(argv[i + 1]) - 1, atol(argv[i + 2]),
                       argc - i > 3 ? atoll(argv[i + 3]) : 0,
                       argc - i > 4 ? atoll(argv[i + 4]) : 1);
    if (strcmp(cmd, "commit-all") == 0 && argc - i == 4) {
        rd_kafka_topic_partition_list_t *l =
            rd_kafka_topic_partition_list_new(atoi(argv[i + 2]));
        for (int p = 0; p < atoi(argv[i + 2]); p++)
            rd_kafka_topic_partition_list_add(l, argv[i + 1], p)->offset =
                atoll(argv[i + 3]);
        return commit_list(argv[i], l);
    }
    if (strcmp(cmd, "commit") == 0 && argc - i >= 2)
        return commit(argv[i], argc - i - 1, argv + i + 1);
    if (strcmp(cmd, "consume") == 0) {
        while (argc - i >= 2 && argv[i][0] == '-' &&
               (strcmp(argv[i], "-s") == 0 || strcmp(argv[i], "-i") == 0)) {
            *(argv[i][1] == 's' ? &assignor : &client_id) = argv[i + 1];
            i += 2;
        }
        if (argc - i >= 2)
            return consume(argv[i], argc - i - 1, argv + i + 1);
    }
    die("usage",
        "kfix -b BOOT create|produce|fill|commit|commit-all|consume ...");
    return 2;
}
