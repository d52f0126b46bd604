#ifndef PKR_THREAD_H
#define PKR_THREAD_H
#endif
