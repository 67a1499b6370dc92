#include "worker.h"

#define WORKER_MAX 64 /* jobs waiting */

#include <pthread.h>
#include <stdlib.h>

struct job {
	void (*fn)(void *);
	void *arg;
	struct job *next;
};

struct worker {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct job *head, *tail;
	int stop, pending;
};

static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	struct job *j;

	pthread_mutex_lock(&w->mu);
	for (;;) {
		while (w->head == NULL && !w->stop)
			pthread_cond_wait(&w->cv, &w->mu);
		if ((j = w->head) == NULL)
			break; /* stopping, and nothing left */
		if ((w->head = j->next) == NULL)
			w->tail = NULL;
		w->pending--;
		pthread_mutex_unlock(&w->mu);
		j->fn(j->arg);
		free(j);
		pthread_mutex_lock(&w->mu);
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

struct worker *
worker_start(void)
{
	struct worker *w = calloc(1, sizeof(*w));

	if (w == NULL)
		return NULL;
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cv, NULL);
	if (pthread_create(&w->thread, NULL, worker_main, w) != 0) {
		pthread_cond_destroy(&w->cv);
		pthread_mutex_destroy(&w->mu);
		free(w);
		return NULL;
	}
	return w;
}

int
worker_submit(struct worker *w, void (*fn)(void *), void *arg)
{
	struct job *j = malloc(sizeof(*j));
	int rc = -1;

	if (j == NULL)
		return -1;
	j->fn = fn;
	j->arg = arg;
	j->next = NULL;
	pthread_mutex_lock(&w->mu);
	/* Bounded: anyone can make the hub fetch a key; a flood waits
	 * outside (503), not in memory. */
	if (!w->stop && w->pending < WORKER_MAX) {
		w->pending++;
		if (w->tail != NULL)
			w->tail->next = j;
		else
			w->head = j;
		w->tail = j;
		pthread_cond_signal(&w->cv);
		rc = 0;
	}
	pthread_mutex_unlock(&w->mu);
	if (rc != 0)
		free(j);
	return rc;
}

void
worker_stop(struct worker *w)
{
	if (w == NULL)
		return;
	pthread_mutex_lock(&w->mu);
	w->stop = 1;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
	pthread_join(w->thread, NULL);
	pthread_cond_destroy(&w->cv);
	pthread_mutex_destroy(&w->mu);
	free(w);
}
