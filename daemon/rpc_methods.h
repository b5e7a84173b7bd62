/* daemon/rpc_methods.h: the dispatch table of the control protocol; ctx is the
 * struct rd_serve. docs/protocol.md documents every method. */
#ifndef RD_RPC_METHODS_H
#define RD_RPC_METHODS_H
#include "rpc.h"

extern const struct rd_rpc_table rd_rpc_methods;

#endif
