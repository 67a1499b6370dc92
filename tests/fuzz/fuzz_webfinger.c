/* fuzz_webfinger.c: the WebFinger resource parser. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fed_webfinger.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char name[32], *s = malloc(size + 1);

	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	fed_webfinger_parse(s, "hub.example:8443", "https://hub.example:8443",
	    name, sizeof(name));
	free(s);
	return 0;
}
