/* probe.h - is anything listening at a list of Kafka bootstrap servers?
 * A plain TCP connect to each, all at once, bounded in time: used only
 * when librdkafka has said that every broker is down, to tell brokers that
 * refuse connections (answer at once) from brokers that are slow (wait). */
#ifndef CKAFKA_PROBE_H
#define CKAFKA_PROBE_H

#include <stdbool.h>
#include <stddef.h>

enum probe_result {
    PROBE_UP,      /* some server accepted a connection */
    PROBE_REFUSED, /* every address refused (or did not resolve) */
    PROBE_UNKNOWN, /* no answer from some within the time: maybe slow */
};

/* Probes servers (librdkafka's bootstrap.servers syntax: host:port or
 * [v6]:port, optionally proto://, separated by commas or blanks), waiting
 * at most timeout_ms. With PROBE_REFUSED, why says what each answered. */
enum probe_result probe_servers(const char *servers, int timeout_ms, char *why,
                                size_t whylen);

/* The host and port of the first server in servers (the same syntax; port
 * 9092 when none is given). Returns false when there is none or it does
 * not parse. */
bool probe_first_server(const char *servers, char *host, size_t hl, char *port,
                        size_t pl);

#endif
