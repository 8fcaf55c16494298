# release_checks_elf.cmake - cmake -DLIB=<libasmkernels.so> -DHEADER=<asmkernels.h> -DTABLE_EXPORTS=<exports.txt> -P ...
#
# The dynamic symbol table defines exactly the functions the header declares and the kernel table lists,
# all named asmk_*; PT_GNU_STACK exists and is not executable; no TEXTREL.

include(${CMAKE_CURRENT_LIST_DIR}/exports_match_header.cmake)

find_program(NM nm REQUIRED)
find_program(READELF readelf REQUIRED)

execute_process(COMMAND ${NM} -D --defined-only ${LIB} OUTPUT_VARIABLE nm_out RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "nm failed on ${LIB}")
endif()
string(REGEX MATCHALL "[^\n]+" lines "${nm_out}")
set(exported "")
foreach(line ${lines})
  if(line MATCHES "^[0-9a-fA-F]+ ([A-Za-z]) (.+)$")
    if(NOT CMAKE_MATCH_1 STREQUAL "T")
      message(FATAL_ERROR "unexpected dynamic symbol kind: ${line}")
    endif()
    list(APPEND exported ${CMAKE_MATCH_2})
  endif()
endforeach()
exports_match_header("${exported}" ${HEADER} ${TABLE_EXPORTS})

execute_process(COMMAND ${READELF} -lW ${LIB} OUTPUT_VARIABLE phdrs)
string(REGEX MATCH "GNU_STACK[^\n]*" stack "${phdrs}")
if(NOT stack)
  message(FATAL_ERROR "no PT_GNU_STACK header: the loader would assume an executable stack")
endif()
string(REGEX REPLACE "^.* (R?W?E?) +0x[0-9a-f]+$" "\\1" flags "${stack}")
if(flags MATCHES "E")
  message(FATAL_ERROR "GNU_STACK is executable: ${stack}")
endif()
message(STATUS "GNU_STACK flags: ${flags}")

execute_process(COMMAND ${READELF} -dW ${LIB} OUTPUT_VARIABLE dyn)
if(dyn MATCHES "TEXTREL")
  message(FATAL_ERROR "the library has text relocations")
endif()
message(STATUS "no TEXTREL")
