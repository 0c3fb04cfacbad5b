/*
 * The /metrics page: the node, its NICs, the management services and
 * every domain in the Prometheus text exposition format 0.0.4
 * (prometheus.io/docs/instrumenting/exposition_formats/). Pure logic on
 * top of the backend snapshots.
 */
#ifndef STRATA_MGMT_METRICS_H
#define STRATA_MGMT_METRICS_H

#include "net/mgmt/backend.h"
#include "net/mgmt/textbuf.h"

/* The Content-Type of the format. */
#define MGMT_METRICS_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

/*
 * Append the exposition to tb: each family once, its # HELP and # TYPE
 * lines before its samples, samples `name{label="value",...} value` with
 * integer values (seconds as integer.9-digit fraction, computed without
 * floating point). Exit counters are listed for the reasons a domain has
 * hit (non-zero), to keep the page small. Size: about 2 KiB for the node
 * plus, per domain, 0.6 KiB and 90 bytes per exit reason it hit; a
 * truncated tb means the caller's buffer was too small.
 */
void mgmt_metrics_format(const struct mgmt_backend *be, struct textbuf *tb);

/* Append s as a label value: \ " and newline escaped as \\ \" \n. */
void mgmt_metrics_label_value(struct textbuf *tb, const char *s);

#endif
