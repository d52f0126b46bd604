#ifndef PKR_STATS_H
#define PKR_STATS_H
#endif
