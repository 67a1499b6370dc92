/* fuzz_html.c: the HTML sanitizer and the plain-text extractor. */
#include <stdint.h>
#include <stddef.h>

#include "buf.h"
#include "fed_html.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf b;

	buf_init(&b, 1 << 20);
	fed_html_sanitize((const char *)data, size, &b);
	buf_free(&b);
	buf_init(&b, 1 << 20);
	fed_html_text((const char *)data, size, &b);
	buf_free(&b);
	return 0;
}
