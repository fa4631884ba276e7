/* Unit tests of the pure part of the Kafka layer (groups.c): which
 * __consumer_offsets partition (so which coordinator) Kafka gives a group.
 * Expected values follow Java's String.hashCode over UTF-16 and Kafka's
 * Utils.abs, which maps Integer.MIN_VALUE to 0 (not a bit mask: they differ for
 * every negative hash). */
#include "unit.h"

#include "common/util.h"
#include "kafka/kafka.h"

static void coordinator_partition(void **state)
{
    static const struct {
        const char *group;
        int32_t n;
        int32_t want;
    } rows[] = {
        {"polygenelubricants", 50, 0}, /* hashCode is Integer.MIN_VALUE */
        {"polygenelubricants", 7, 0},
        {"consumerGroup1", 50, 6}, /* negative hash: 42 with a mask */
        {"consumerGroup1", 7, 0},
        {"my group", 50, 21},
        {"g", 50, 3},
        {"", 50, 0},
        {"\xe7\xbb\x84"
         "1",
         50, 11},                       /* 组1 */
        {"g\xf0\x9f\x98\x80x", 50, 12}, /* a surrogate pair */
        {"npv7zwpvqmjpzjs5", 50, 8},
        {"anything", 1, 0},
    };
    (void)state;
    for (size_t i = 0; i < UTIL_ARRAY_LEN(rows); i++) {
        int32_t got = kafka_coordinator_partition(rows[i].group, rows[i].n);
        if (got != rows[i].want)
            fail_msg("'%s' %% %d: %d, expected %d", rows[i].group, rows[i].n,
                     got, rows[i].want);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(coordinator_partition),
    };
    return cmocka_run_group_tests_name("kafka", tests, NULL, NULL);
}
