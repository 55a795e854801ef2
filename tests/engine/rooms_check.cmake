# Checks that every #include in the engine's rooms, io/ and hashing/ runs down the dependency
# order and never up it: a room includes its own headers and those of the rooms it USES
# (engine/CMakeLists.txt), directly or through them; io/ and hashing/ include nothing of the
# engine, and hashing/ nothing of io/. Run by ctest as
#   cmake -DSOURCE_DIR=... -DROOMS_FILE=... -P rooms_check.cmake
# where ROOMS_FILE holds one line per room, "room: used used ...", in dependency order (the
# build writes it). Prints every include that breaks the order, with its file and line, and
# fails if there is any.
cmake_minimum_required(VERSION 3.25)  # IN_LIST
if(NOT SOURCE_DIR OR NOT ROOMS_FILE)
  message(FATAL_ERROR "usage: cmake -DSOURCE_DIR=DIR -DROOMS_FILE=FILE -P rooms_check.cmake")
endif()

file(STRINGS ${ROOMS_FILE} room_lines)
set(rooms)
foreach(line IN LISTS room_lines)
  string(REGEX MATCH "^([a-z_]+):(.*)$" matched "${line}")
  if(NOT matched)
    message(FATAL_ERROR "${ROOMS_FILE}: a line that is not \"room: used ...\": ${line}")
  endif()
  set(room ${CMAKE_MATCH_1})
  string(STRIP "${CMAKE_MATCH_2}" uses)
  separate_arguments(uses)
  # What a room may include: itself, and every room its used rooms may include.
  set(allowed_${room} ${room})
  foreach(used IN LISTS uses)
    if(NOT DEFINED allowed_${used})
      message(FATAL_ERROR "room ${room} uses ${used}, which is not listed before it")
    endif()
    list(APPEND allowed_${room} ${allowed_${used}})
  endforeach()
  list(REMOVE_DUPLICATES allowed_${room})
  list(APPEND rooms ${room})
endforeach()

set(violations 0)
# Reports each include in FILE of a top folder or engine room not in ALLOWED.
function(check_file file allowed)
  file(STRINGS ${file} lines REGEX "^[ \t]*#[ \t]*include[ \t]*\"")
  file(RELATIVE_PATH shown ${SOURCE_DIR} ${file})
  foreach(line IN LISTS lines)
    string(REGEX MATCH "\"([^\"]+)\"" _ "${line}")
    set(target ${CMAKE_MATCH_1})
    if(target MATCHES "^engine/([a-z_]+)/")
      set(where "engine/${CMAKE_MATCH_1}")
    elseif(target MATCHES "^(engine|io|hashing)/")
      set(where "${CMAKE_MATCH_1}")
    else()
      continue()  # the standard library, packages, tests' own helpers
    endif()
    if(NOT where IN_LIST allowed)
      message("${shown}: includes \"${target}\", but ${where} is not below it")
      math(EXPR count "${violations} + 1")
      set(violations ${count} PARENT_SCOPE)
    endif()
  endforeach()
endfunction()

foreach(room IN LISTS rooms)
  set(allowed hashing io)
  foreach(a IN LISTS allowed_${room})
    list(APPEND allowed "engine/${a}")
  endforeach()
  file(GLOB files ${SOURCE_DIR}/engine/${room}/*.h ${SOURCE_DIR}/engine/${room}/*.cpp)
  foreach(f IN LISTS files)
    check_file(${f} "${allowed}")
  endforeach()
endforeach()
# Files straight in engine/ belong to no room.
file(GLOB loose ${SOURCE_DIR}/engine/*.h ${SOURCE_DIR}/engine/*.cpp)
foreach(f IN LISTS loose)
  file(RELATIVE_PATH shown ${SOURCE_DIR} ${f})
  message("${shown}: is in no room; put it in the folder of its concern")
  math(EXPR violations "${violations} + 1")
endforeach()
file(GLOB io_files ${SOURCE_DIR}/io/*.h ${SOURCE_DIR}/io/*.cpp)
foreach(f IN LISTS io_files)
  check_file(${f} "io;hashing")
endforeach()
file(GLOB hashing_files ${SOURCE_DIR}/hashing/*.h ${SOURCE_DIR}/hashing/*.cpp)
foreach(f IN LISTS hashing_files)
  check_file(${f} "hashing")
endforeach()

if(violations GREATER 0)
  message(FATAL_ERROR "${violations} include(s) break the rooms' order (engine/README.md)")
endif()
message("rooms in order: ${rooms}; every include runs down the order")
