/** The version `hcdl --version` prints: the workspace's (a test keeps it equal to package.json's). */
export const HCDL_VERSION = '0.1.0';
