//! Every operation the generator's model pages has `pages()` and `items()` on its builder: the
//! list below is checked at compile time (each builder implements `Paged`, and the streams its
//! `items()` and `pages()` return are `Send` streams) and at run time against the model's list of
//! paged operations of `spec/`, so that an operation the model pages and the client lacks (or the
//! other way round) fails here.

use futures_util::Stream;
use secmaster::{Items, Paged, Pages};

/// A builder with both streams.
fn has_streams<R: Paged<Item: Send>>(items: fn(R) -> Items<R>, pages: fn(R) -> Pages<R>) {
    fn stream<S: Stream + Send>() {}
    stream::<Items<R>>();
    stream::<Pages<R>>();
    let _ = (items, pages);
}

macro_rules! paged_operations {
    ($($request:ident,)*) => {
        /// The builders checked, by name.
        fn checked() -> Vec<&'static str> {
            $(has_streams::<secmaster::operations::$request>(
                secmaster::operations::$request::items,
                secmaster::operations::$request::pages,
            );)*
            vec![$(stringify!($request)),*]
        }
    };
}

paged_operations!(
    CreateSearchAnalysisRequest,
    ListAlertRuleTemplatesRequest,
    ListAlertRuleTemplatesV2Request,
    ListAlertRulesRequest,
    ListAlertRulesV2Request,
    ListAlertsRequest,
    ListAnalysisScriptsRequest,
    ListAopWorkflowInstanceRequest,
    ListCatalogueRequest,
    ListCodeSegmentsRequest,
    ListCollectorChannelsRequest,
    ListCollectorConnectionsRequest,
    ListCollectorInstancesRequest,
    ListCollectorNodeRequest,
    ListCollectorParserTemplateRequest,
    ListCollectorParsersRequest,
    ListComponentActionsRequest,
    ListComponentConfigurationRequest,
    ListComponentTemplateRequest,
    ListComponentTemplatesRequest,
    ListComponentsRequest,
    ListConnectionsRequest,
    ListDataTransformationsRequest,
    ListDataclassFieldsRequest,
    ListDataclassRequest,
    ListDataobjectRelationsRequest,
    ListDataobjectsRequest,
    ListDatapanelObjectsRequest,
    ListDataspacesRequest,
    ListHistoryComponentConfigurationRequest,
    ListIncidentsRequest,
    ListIndicatorsRequest,
    ListLayoutRequest,
    ListLayoutWizardsRequest,
    ListModulesRequest,
    ListNodesRequest,
    ListNotesRequest,
    ListPipesRequest,
    ListPipesV2Request,
    ListPlaybookActionsRequest,
    ListPlaybookAuditLogsRequest,
    ListPlaybookInstancesRequest,
    ListPlaybookVersionsRequest,
    ListPlaybooksRequest,
    ListResourceInstanceRequest,
    ListResourcesRequest,
    ListRetrieveScriptsRequest,
    ListRunningNodesRequest,
    ListSearchConditionsRequest,
    ListSearchLogsRequest,
    ListShipperAuthorizationsRequest,
    ListShippersRequest,
    ListTablesRequest,
    ListTasksRequest,
    ListVulnerabilitiesRequest,
    ListWorkflowsRequest,
    ListWorkspacesRequest,
    SearchBaselineRequest,
    SearchCheckitemsRequest,
    SearchCompliancePackagesRequest,
    SearchPolicyRecordByPolicyIdRequest,
    SearchPolicyRecordRequest,
    SearchPolicyRequest,
    ShowMapperListRequest,
    ShowMappingInfoListRequest,
    ShowPreProcessRulesListRequest,
);

#[test]
fn every_operation_the_model_pages_has_streams_on_its_builder() {
    let spec = concat!(env!("CARGO_MANIFEST_DIR"), "/spec");
    let report =
        secmaster_codegen::paging::Report::of(&secmaster_codegen::Config::new().spec_dir(spec))
            .unwrap_or_else(|e| panic!("{e}"));
    let mut model: Vec<String> = report.paged.iter().map(|p| p.request.clone()).collect();
    model.sort();
    let mut checked: Vec<String> = checked().into_iter().map(str::to_owned).collect();
    checked.sort();
    assert_eq!(
        checked, model,
        "the paged operations of the model differ from the list in tests/client/paged_operations.rs: add or remove the builders named"
    );
}
