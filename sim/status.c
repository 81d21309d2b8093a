#include "sim/status.h"

static const char *const texts[] = {
#define PT_STATUS_TEXT(name, text) text,
	PT_STATUS_TABLE(PT_STATUS_TEXT)
#undef PT_STATUS_TEXT
};

const char *pt_strerror(int status)
{
	if (status < 0 || status >= PT_STATUS_COUNT)
		return "unknown status";
	return texts[status];
}
