/* worker.h: one thread that runs jobs which may block (remote fetches),
 * so that HTTP pool threads never do. */
#ifndef HUB_WORKER_H
#define HUB_WORKER_H

struct worker;

struct worker *worker_start(void);
/* Run fn(arg) on the worker thread. Returns 0, or -1 when stopping. */
int worker_submit(struct worker *w, void (*fn)(void *), void *arg);
/* Run the jobs already submitted, then stop. */
void worker_stop(struct worker *w);

#endif
