/*
 * NdisMock's lifecycle load driver: whole outgoing-call lifecycles over keep-alive HTTP/1.1 connections.
 *
 * Each connection walks its own state machine - create VC, make call, complete it, close the call, complete that,
 * delete the VC - reading the handles each answer returns, one request in flight at a time. THREADS threads each run
 * an epoll loop over their share of the connections, so the client costs little next to the server (a .NET driver
 * or wrk with a Lua state machine per thread costs as much CPU as NdisMock itself on two cores).
 *
 *   lifecycles HOST PORT[,PORT...] CONNECTIONS THREADS WARMUP_SECONDS SECONDS "id key af;id key af;..."
 *
 * Connection i uses the (i mod n)-th sandbox and the (i mod m)-th of the m ports (several nodes of one cluster). Prints one line:
 *   lifecycles=N requests=N non2xx=N seconds=S p50_us=N p99_us=N
 * counting only what completed after the warm-up.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum { BUFFER = 16384, HANDLE = 96 };

typedef struct {
    char id[HANDLE], key[HANDLE], af[HANDLE];
} sandbox_t;

typedef struct {
    int fd, step, have;
    uint16_t port;
    const sandbox_t *sandbox;
    char vc[HANDLE], op[HANDLE];
    uint64_t sent;
    char buffer[BUFFER];
} connection_t;

typedef struct {
    connection_t *connections;
    int count;
    uint64_t measure_from, end;
    uint64_t lifecycles, requests, non2xx;
    uint32_t *latencies;
    size_t latency_count, latency_capacity;
} worker_t;

static struct sockaddr_in address;

static uint64_t now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static void fail(const char *what) {
    perror(what);
    exit(2);
}

static void send_next(connection_t *c) {
    char request[1024];
    const sandbox_t *s = c->sandbox;
    const char *method = "POST", *body = "{}";
    char path[512];
    switch (c->step) {
    case 0:
        snprintf(path, sizeof path, "/sandboxes/%s/client/address-families/%s/vcs", s->id, s->af);
        body = "{\"protocolVcContext\":\"l\"}";
        break;
    case 1:
        snprintf(path, sizeof path, "/sandboxes/%s/client/vcs/%s/call", s->id, c->vc);
        break;
    case 3:
        snprintf(path, sizeof path, "/sandboxes/%s/client/vcs/%s/call/close", s->id, c->vc);
        break;
    case 2:
    case 4:
        snprintf(path, sizeof path, "/sandboxes/%s/pending/%s/complete", s->id, c->op);
        body = "{\"status\":\"NDIS_STATUS_SUCCESS\"}";
        break;
    default:
        snprintf(path, sizeof path, "/sandboxes/%s/client/vcs/%s", s->id, c->vc);
        method = "DELETE";
        body = NULL;
        break;
    }
    int length = body
        ? snprintf(request, sizeof request,
                   "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Sandbox-Key: %s\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n\r\n%s",
                   method, path, s->key, strlen(body), body)
        : snprintf(request, sizeof request, "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Sandbox-Key: %s\r\n\r\n", method, path, s->key);
    c->have = 0;
    c->sent = now_ns();
    for (int written = 0; written < length;) {
        ssize_t n = send(c->fd, request + written, (size_t)(length - written), MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EAGAIN || errno == EINTR) continue;
            fail("send");
        }
        written += (int)n;
    }
}

/* Copies the JSON string value of "name" into out; returns 0 when absent. */
static int field(const char *body, const char *name, char *out) {
    char pattern[64];
    snprintf(pattern, sizeof pattern, "\"%s\":\"", name);
    const char *start = strstr(body, pattern);
    if (!start) return 0;
    start += strlen(pattern);
    const char *end = strchr(start, '"');
    if (!end || end - start >= HANDLE) return 0;
    memcpy(out, start, (size_t)(end - start));
    out[end - start] = 0;
    return 1;
}

/* A whole response is in the buffer: Content-Length met, or the last chunk of a chunked body. */
static const char *complete_response(connection_t *c) {
    c->buffer[c->have] = 0;
    char *headers_end = strstr(c->buffer, "\r\n\r\n");
    if (!headers_end) return NULL;
    const char *body = headers_end + 4;
    const char *length = strcasestr(c->buffer, "\r\nContent-Length:");
    if (length && length < headers_end) {
        long expected = strtol(length + 17, NULL, 10);
        return c->buffer + c->have - body >= expected ? body : NULL;
    }
    return c->have >= 5 && memcmp(c->buffer + c->have - 5, "0\r\n\r\n", 5) == 0 ? body : NULL;
}

static void record(worker_t *w, uint64_t latency_ns) {
    if (w->latency_count == w->latency_capacity) {
        w->latency_capacity = w->latency_capacity ? w->latency_capacity * 2 : 1 << 20;
        w->latencies = realloc(w->latencies, w->latency_capacity * sizeof *w->latencies);
        if (!w->latencies) fail("realloc");
    }
    w->latencies[w->latency_count++] = (uint32_t)(latency_ns / 1000);
}

static void on_response(worker_t *w, connection_t *c, const char *body) {
    uint64_t finished = now_ns();
    int status = atoi(c->buffer + 9);
    int measured = finished >= w->measure_from;
    if (measured) {
        w->requests++;
        record(w, finished - c->sent);
    }
    if (status < 200 || status >= 300) {
        if (measured) w->non2xx++;
        c->step = 0; /* start over with a fresh VC */
        return;
    }
    int ok = 1;
    switch (c->step) {
    case 0: ok = field(body, "ndisVcHandle", c->vc); break;
    case 1:
    case 3: ok = field(body, "pendingOperationId", c->op); break;
    case 5:
        if (measured) w->lifecycles++;
        break;
    }
    c->step = ok ? (c->step + 1) % 6 : 0;
}

static void *run(void *argument) {
    worker_t *w = argument;
    int epoll = epoll_create1(0);
    if (epoll < 0) fail("epoll_create1");
    for (int i = 0; i < w->count; i++) {
        connection_t *c = &w->connections[i];
        c->fd = socket(AF_INET, SOCK_STREAM, 0);
        if (c->fd < 0) fail("socket");
        int one = 1;
        setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        struct sockaddr_in to = address;
        to.sin_port = htons(c->port);
        if (connect(c->fd, (struct sockaddr *)&to, sizeof to) < 0) fail("connect");
        struct epoll_event event = {.events = EPOLLIN, .data.ptr = c};
        if (epoll_ctl(epoll, EPOLL_CTL_ADD, c->fd, &event) < 0) fail("epoll_ctl");
        send_next(c);
    }
    struct epoll_event events[64];
    while (now_ns() < w->end) {
        int ready = epoll_wait(epoll, events, 64, 100);
        for (int i = 0; i < ready; i++) {
            connection_t *c = events[i].data.ptr;
            ssize_t n = recv(c->fd, c->buffer + c->have, (size_t)(BUFFER - 1 - c->have), 0);
            if (n <= 0) {
                if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
                fprintf(stderr, "connection closed by the server\n");
                exit(2);
            }
            c->have += (int)n;
            const char *body = complete_response(c);
            if (!body) {
                if (c->have >= BUFFER - 1) {
                    fprintf(stderr, "response too large\n");
                    exit(2);
                }
                continue;
            }
            on_response(w, c, body);
            send_next(c);
        }
    }
    return NULL;
}

static int compare(const void *a, const void *b) {
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv) {
    if (argc != 8) {
        fprintf(stderr, "usage: %s HOST PORT[,PORT...] CONNECTIONS THREADS WARMUP_SECONDS SECONDS \"id key af;...\"\n", argv[0]);
        return 2;
    }
    address.sin_family = AF_INET;
    uint16_t ports[64];
    int port_count = 0;
    for (char *save = NULL, *port = strtok_r(argv[2], ",", &save); port && port_count < 64; port = strtok_r(NULL, ",", &save)) {
        ports[port_count++] = (uint16_t)atoi(port);
    }
    if (port_count == 0) {
        fprintf(stderr, "no port given\n");
        return 2;
    }
    if (inet_pton(AF_INET, argv[1], &address.sin_addr) != 1) fail("inet_pton");
    int connections = atoi(argv[3]), threads = atoi(argv[4]);
    double warmup = atof(argv[5]), seconds = atof(argv[6]);
    if (connections < 1 || threads < 1 || threads > connections || seconds <= 0) {
        fprintf(stderr, "need 1 <= THREADS <= CONNECTIONS and SECONDS > 0\n");
        return 2;
    }

    sandbox_t *sandboxes = NULL;
    int sandbox_count = 0;
    for (char *save = NULL, *triple = strtok_r(argv[7], ";", &save); triple; triple = strtok_r(NULL, ";", &save)) {
        sandboxes = realloc(sandboxes, (size_t)(sandbox_count + 1) * sizeof *sandboxes);
        sandbox_t *s = &sandboxes[sandbox_count];
        if (sscanf(triple, "%95s %95s %95s", s->id, s->key, s->af) != 3) {
            fprintf(stderr, "a sandbox is \"id key af\", not \"%s\"\n", triple);
            return 2;
        }
        sandbox_count++;
    }
    if (sandbox_count == 0) {
        fprintf(stderr, "no sandboxes given\n");
        return 2;
    }

    connection_t *all = calloc((size_t)connections, sizeof *all);
    worker_t *workers = calloc((size_t)threads, sizeof *workers);
    pthread_t *ids = calloc((size_t)threads, sizeof *ids);
    uint64_t start = now_ns();
    for (int i = 0; i < connections; i++) {
        all[i].sandbox = &sandboxes[i % sandbox_count];
        all[i].port = ports[i % port_count];
    }
    for (int t = 0, first = 0; t < threads; t++) {
        int count = connections / threads + (t < connections % threads);
        workers[t].connections = all + first;
        workers[t].count = count;
        workers[t].measure_from = start + (uint64_t)(warmup * 1e9);
        workers[t].end = start + (uint64_t)((warmup + seconds) * 1e9);
        first += count;
        pthread_create(&ids[t], NULL, run, &workers[t]);
    }

    uint64_t lifecycles = 0, requests = 0, non2xx = 0;
    size_t latency_count = 0;
    for (int t = 0; t < threads; t++) {
        pthread_join(ids[t], NULL);
        lifecycles += workers[t].lifecycles;
        requests += workers[t].requests;
        non2xx += workers[t].non2xx;
        latency_count += workers[t].latency_count;
    }
    uint32_t *latencies = malloc((latency_count + 1) * sizeof *latencies);
    for (int t = 0, at = 0; t < threads; t++) {
        memcpy(latencies + at, workers[t].latencies, workers[t].latency_count * sizeof *latencies);
        at += (int)workers[t].latency_count;
    }
    qsort(latencies, latency_count, sizeof *latencies, compare);
    uint32_t p50 = latency_count ? latencies[latency_count / 2] : 0;
    uint32_t p99 = latency_count ? latencies[latency_count * 99 / 100] : 0;
    printf("lifecycles=%llu requests=%llu non2xx=%llu seconds=%.2f p50_us=%u p99_us=%u\n", (unsigned long long)lifecycles,
           (unsigned long long)requests, (unsigned long long)non2xx, seconds, p50, p99);
    return 0;
}
