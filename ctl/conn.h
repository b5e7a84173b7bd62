/* ctl/conn.h: replicactl's connection to replicad's control socket (docs/protocol.md:
 * JSON-RPC 2.0, one JSON object per line). One connection per process, opened by
 * the first call; answers up to 64 MiB. Single-threaded. */
#ifndef CTL_CONN_H
#define CTL_CONN_H
#include <jansson.h>
#include <stdbool.h>

/* ctl_conn_set_path: the socket to use (borrowed; it must outlive the calls);
 * ctl_conn_path: the one in use, for messages */
void ctl_conn_set_path(const char *path);
const char *ctl_conn_path(void);

/* ctl_call sends method(params) and stores the answer in *reply (new ref); params is
 * borrowed. -1 when the connection failed (said on stderr unless quiet). */
int ctl_call(const char *method, json_t *params, json_t **reply, bool quiet);

/* ctl_result: reply's result (borrowed), or NULL after printing its JSON-RPC error */
json_t *ctl_result(const char *method, json_t *reply);

/* ctl_disconnect closes the socket (the next call opens it again); ctl_conn_fini also
 * frees the read buffer */
void ctl_disconnect(void);
void ctl_conn_fini(void);

#endif
