/* fuzz_config.c: the configuration parser. */
#include <stdint.h>
#include <stddef.h>

#include "config.h"
#include "err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config c;
	struct err e;

	config_parse(&c, (const char *)data, size, "fuzz", "/tmp", &e);
	return 0;
}
