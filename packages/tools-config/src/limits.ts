/** Largest config file mc reads or writes: 128 KiB. */
export const MAX_CONFIG_FILE_BYTES = 128 * 1024;

/** Longest absolute path accepted (Linux PATH_MAX, terminating NUL included). */
export const MAX_PATH_LENGTH = 4095;

/** Longest file name on Linux file systems, in bytes. */
export const MAX_NAME_BYTES = 255;

/**
 * Room a write needs next to the file name for its temp file `.<name>.mc-tmp-<pid>-<random>`,
 * so a name longer than `MAX_NAME_BYTES - TEMP_NAME_OVERHEAD` cannot be written atomically.
 */
export const TEMP_NAME_OVERHEAD = 40;
