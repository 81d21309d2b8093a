/* Status codes shared by every module that can fail.
 *
 * Functions that can fail return an int: 0 (PT_OK) or one of these codes. One X-macro table
 * gives both the enum and the message text, so they cannot drift apart. Broken invariants are
 * assertions, not statuses. */
#ifndef POOLTIDE_STATUS_H
#define POOLTIDE_STATUS_H

#define PT_STATUS_TABLE(X)                                        \
	X(PT_OK, "ok")                                                \
	X(PT_ENOMEM, "out of memory")                                 \
	X(PT_EINVAL, "invalid argument")                              \
	X(PT_ERANGE, "value out of range")                            \
	X(PT_EIO, "input/output error")                               \
	X(PT_EOVERLOAD, "the queue of waiting requests grew past its cap (max_waiting)") \
	X(PT_ELIMIT, "the run reached its event limit (--max-events)")  \
	X(PT_ESTUCK, "requests still waited when nothing was left to serve them")

enum pt_status {
#define PT_STATUS_ENUM(name, text) name,
	PT_STATUS_TABLE(PT_STATUS_ENUM)
#undef PT_STATUS_ENUM
	PT_STATUS_COUNT
};

/* The message text of a status; never NULL. */
const char *pt_strerror(int status);

#endif
