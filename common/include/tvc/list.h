/*
 * An intrusive doubly linked list with a head pointer: the link lives
 * inside the element, so adding and removing allocate nothing and a
 * removal needs no search.  The threaded and coroutine servers keep their
 * live handlers in one, to cancel them on close and to let each handler
 * take itself out when it ends.  Put the link first in the element: a
 * link pointer then converts back to the element with a cast.  Locking,
 * where threads share the list, is the owner's.
 */
#ifndef TVC_LIST_H
#define TVC_LIST_H

#include <stddef.h>

typedef struct tvc_link {
    struct tvc_link *prev; /* NULL for the first element */
    struct tvc_link *next; /* NULL for the last element */
} tvc_link;

/* Links l in at the front of the list whose first element is *head. */
static inline void tvc_link_push(tvc_link **head, tvc_link *l)
{
    l->prev = NULL;
    l->next = *head;
    if (*head)
        (*head)->prev = l;
    *head = l;
}

/* Takes l out of the list whose first element is *head (l must be in
 * it); its own prev and next are left as they were. */
static inline void tvc_link_remove(tvc_link **head, tvc_link *l)
{
    if (l->prev)
        l->prev->next = l->next;
    else
        *head = l->next;
    if (l->next)
        l->next->prev = l->prev;
}

#endif
