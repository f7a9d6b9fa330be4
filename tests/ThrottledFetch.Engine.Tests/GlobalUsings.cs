// A download batch's events, by the name the tests read best.
global using DownloadEvent = ThrottledFetch.Engine.BatchEvent<ThrottledFetch.DownloadResult>;
global using DownloadEventKind = ThrottledFetch.Engine.BatchEventKind;
