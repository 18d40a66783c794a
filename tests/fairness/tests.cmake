# Fairness between connections of one loop: a busy connection does not
# hold the others' turn (the coroutine runtime's streams).
if(TARGET tvc_coroutine)
  tvc_add_test(fairness coroutine_read LIBS tvc_coroutine LABELS coroutine)
endif()
