import { EMPTY_ORG_MAP, loadOrgMap, type OrgMap } from './org-map.ts';

/** What the source logs with: any pino-like logger. */
export interface OrgMapLogger {
  info(fields: object, message: string): void;
}

export interface OrgMapSource {
  /** The map in force: figures are always computed from it, so a change re-attributes history. */
  current(): OrgMap;
  /** Reads the file again; on an error the map in force stays and the error is thrown. */
  reload(): Promise<OrgMap>;
}

export interface OrgMapSourceOptions {
  /** The variable that named the file (SEAMLINE_ORG_MAP), put before each problem. */
  setting?: string;
  /** Called with a reloaded map once it is in force (the stitcher re-attributes its tables). */
  onChange?: (orgMap: OrgMap) => Promise<void> | void;
}

/** The org map from a file (or none, an empty map), reloadable without a restart (SIGHUP). */
export async function orgMapFromFile(path: string | undefined, logger: OrgMapLogger, options: OrgMapSourceOptions = {}): Promise<OrgMapSource> {
  let map = path ? await loadOrgMap(path, options.setting) : EMPTY_ORG_MAP;
  logger.info({ orgMap: path ?? '(none)', queues: Object.keys(map.queues).length }, 'org map loaded');
  return {
    current: () => map,
    async reload() {
      if (!path) return map;
      map = await loadOrgMap(path, options.setting);
      logger.info({ orgMap: path, queues: Object.keys(map.queues).length }, 'org map reloaded');
      await options.onChange?.(map);
      return map;
    },
  };
}
