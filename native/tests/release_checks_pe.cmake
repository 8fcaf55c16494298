# release_checks_pe.cmake - cmake -DLIB=<libasmkernels.dll> -DOBJDUMP=<objdump> -DHEADER=<asmkernels.h> -DTABLE_EXPORTS=<exports.txt> -P ...
#
# The PE export table holds exactly the functions the header declares, all named
# asmk_*, and the DLL imports nothing (no C runtime).

cmake_policy(SET CMP0007 NEW) # keep empty list elements (blank lines)
include(${CMAKE_CURRENT_LIST_DIR}/exports_match_header.cmake)

execute_process(COMMAND ${OBJDUMP} -p ${LIB} OUTPUT_VARIABLE dump RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "objdump failed on ${LIB}")
endif()

# Export table rows follow "[Ordinal/Name Pointer] Table", one per line: "\t[   0] asmk_abi_version".
string(FIND "${dump}" "[Ordinal/Name Pointer] Table" at)
if(at EQUAL -1)
  message(FATAL_ERROR "no export table in ${LIB}")
endif()
string(SUBSTRING "${dump}" ${at} -1 table)
string(REPLACE "\n" ";" lines "${table}")
list(REMOVE_AT lines 0)
set(exported "")
foreach(line IN LISTS lines)
  if(NOT line MATCHES "^\t\\[ *[0-9]+\\] (.+)$")
    break()
  endif()
  list(APPEND exported ${CMAKE_MATCH_1})
endforeach()
exports_match_header("${exported}" ${HEADER} ${TABLE_EXPORTS})

if(dump MATCHES "DLL Name:")
  string(REGEX MATCHALL "DLL Name: [^\n]+" imports "${dump}")
  message(FATAL_ERROR "the DLL imports from other DLLs: ${imports}")
endif()
message(STATUS "no imports")
