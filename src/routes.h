/* routes.h: the table of HTTP routes hubd serves. */
#ifndef HUB_ROUTES_H
#define HUB_ROUTES_H

#include <stddef.h>

#include "http.h"

extern const struct http_route routes[];
extern const size_t nroutes;

#endif
