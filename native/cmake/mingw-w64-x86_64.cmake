# mingw-w64-x86_64.cmake - cross-build the Windows DLL (and the test harness as a
# .exe) on Linux with MinGW-w64 and NASM:
#
#   cmake -S native -B build/native-win64 -DCMAKE_TOOLCHAIN_FILE=native/cmake/mingw-w64-x86_64.cmake
#
# Tests run through wine (CMAKE_CROSSCOMPILING_EMULATOR) when it is installed.

set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)

set(ASMK_MINGW_PREFIX x86_64-w64-mingw32)
set(CMAKE_C_COMPILER ${ASMK_MINGW_PREFIX}-gcc)
set(CMAKE_RC_COMPILER ${ASMK_MINGW_PREFIX}-windres)
set(CMAKE_OBJDUMP ${ASMK_MINGW_PREFIX}-objdump)
set(CMAKE_ASM_NASM_OBJECT_FORMAT win64)

set(CMAKE_FIND_ROOT_PATH /usr/${ASMK_MINGW_PREFIX})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)

find_program(ASMK_WINE NAMES wine64 wine PATHS /usr/lib/wine) # Debian: /usr/lib/wine/wine64
if(ASMK_WINE)
  set(CMAKE_CROSSCOMPILING_EMULATOR ${ASMK_WINE})
endif()
