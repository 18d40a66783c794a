/*
 * pipeline: the parameters and the one-line summary that tvc-threaded,
 * tvc-coroutine and tvc-callback all print and accept, what the filter
 * and map stages do to an item, and the record, written once.
 */
#include "wl_spec.h"

const tvc_param_spec wl_pipeline_params[] = {
    {"items", "10000", "items produced (1M+ for stable figures)", "1.."},
    {"queue_size", "16", "capacity of each of the three queues", "1.."},
    {NULL, NULL, NULL, NULL},
};

const char wl_pipeline_summary[] =
    "producer -> filter -> map -> sink through bounded queues";

int wl_item_relay(int map, wl_item *it)
{
    if (!map)
        return it->value % 3 != 0;
    it->value = it->value * it->value;
    return 1;
}

void wl_pipeline_report(tvc_wl *w, int rc, int64_t items, const int64_t *lat,
                        int64_t sunk, uint64_t sum, int64_t elapsed_ns)
{
    uint64_t expected = 0;
    int64_t passed = 0;
    for (int64_t v = 1; v <= items; v++) {
        wl_item it = {v, 0};
        if (!wl_item_relay(0, &it) || !wl_item_relay(1, &it))
            continue;
        expected += (uint64_t)it.value;
        passed++;
    }
    if (rc == 0) {
        wl_record_samples(w, "item", lat, (size_t)sunk);
        tvc_wl_figure(w, "items_per_s", items * 1e9 / elapsed_ns);
    }
    tvc_wl_check(w, "items_sunk", passed, sunk);
    tvc_wl_check(w, "checksum", (int64_t)expected, (int64_t)sum);
}
